/**
 * The few GitHub REST calls the action makes, over fetch with the job's
 * token. One comment per pull request and marker: found by the marker on its
 * first line, edited in place, created only when none exists yet.
 */

export interface GitHubTarget {
  apiUrl: string;
  token: string;
  /** owner/name */
  repository: string;
}

interface IssueComment {
  id: number;
  body?: string;
  html_url: string;
}

const PAGE_SIZE = 100;

export class GitHubApiError extends Error {
  override readonly name = 'GitHubApiError';
}

/** Creates or updates the pull request's comment that starts with `marker`; returns its URL. */
export async function upsertComment(target: GitHubTarget, issue: number, marker: string, body: string): Promise<string> {
  const existing = await findComment(target, issue, marker);
  const comment = existing
    ? await call<IssueComment>(target, 'PATCH', `/repos/${target.repository}/issues/comments/${existing.id}`, { body })
    : await call<IssueComment>(target, 'POST', `/repos/${target.repository}/issues/${issue}/comments`, { body });
  return comment.html_url;
}

async function findComment(target: GitHubTarget, issue: number, marker: string): Promise<IssueComment | undefined> {
  for (let page = 1; ; page++) {
    const comments = await call<IssueComment[]>(target, 'GET', `/repos/${target.repository}/issues/${issue}/comments?per_page=${PAGE_SIZE}&page=${page}`);
    const found = comments.find((c) => c.body?.startsWith(marker));
    if (found) return found;
    if (comments.length < PAGE_SIZE) return undefined;
  }
}

async function call<T>(target: GitHubTarget, method: string, path: string, body?: unknown): Promise<T> {
  const what = `${method} ${path.replace(/\?.*/, '')}`;
  let response: Response;
  try {
    response = await fetch(new URL(target.apiUrl.replace(/\/$/, '') + path), {
      method,
      headers: {
        accept: 'application/vnd.github+json',
        authorization: `Bearer ${target.token}`,
        'content-type': 'application/json',
        'user-agent': 'gatesync-action',
        'x-github-api-version': '2022-11-28',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new GitHubApiError(`GitHub API ${what}: ${(error as Error).message}`);
  }
  if (!response.ok) {
    const hint =
      response.status === 403 || response.status === 404
        ? ' (the token cannot write to this pull request: give the job `pull-requests: write`; a pull request from a fork gets a read-only token)'
        : '';
    throw new GitHubApiError(`GitHub API ${what} answered ${response.status}${hint}`);
  }
  return (await response.json()) as T;
}
