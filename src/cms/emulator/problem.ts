/**
 * An error answer from the emulated CMS. v2 sends it as application/problem+json; v1 sends
 * `v1Text` (the documented error line) or the detail as plain text.
 */
export class CmsProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly v1Text?: string,
  ) {
    super(detail);
    this.name = 'CmsProblem';
  }
}

export const badRequest = (detail: string, v1Text?: string) => new CmsProblem(400, 'Bad Request', detail, v1Text);
export const notFound = (detail: string, v1Text?: string) => new CmsProblem(404, 'Not Found', detail, v1Text);
export const conflict = (detail: string, v1Text?: string) => new CmsProblem(409, 'Conflict', detail, v1Text);
export const forbidden = (detail: string, v1Text?: string) => new CmsProblem(403, 'Forbidden', detail, v1Text);
