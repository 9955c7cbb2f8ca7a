/**
 * An error answer from the emulated CMS. v2 sends it as application/problem+json; v1 sends
 * `v1Text` (the documented error line) or the detail as plain text, with `v1Status` where the
 * v1 pages document another status than v2 answers.
 */
export class CmsProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly v1Text?: string,
    readonly v1Status: number = status,
  ) {
    super(detail);
    this.name = 'CmsProblem';
  }
}

export const badRequest = (detail: string, v1Text?: string) =>
  new CmsProblem(400, 'Bad Request', detail, v1Text);
export const notFound = (detail: string, v1Text?: string, v1Status?: number) =>
  new CmsProblem(404, 'Not Found', detail, v1Text, v1Status);
export const conflict = (detail: string, v1Text?: string, v1Status?: number) =>
  new CmsProblem(409, 'Conflict', detail, v1Text, v1Status);
export const forbidden = (detail: string, v1Text?: string) =>
  new CmsProblem(403, 'Forbidden', detail, v1Text);
