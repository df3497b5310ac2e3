/** A Node-style error, so one explainer turns it into plain words whether we or the OS raised it. */
export function systemError(code: string, message: string): NodeJS.ErrnoException {
  return Object.assign(new Error(message), { code, syscall: 'check' });
}
