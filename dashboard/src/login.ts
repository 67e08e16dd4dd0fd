/**
 * The login form, shown when the API answers 401. The token goes to POST /session, which
 * sets an HttpOnly cookie; the page never keeps the token itself (no storage, no variable
 * beyond the submit), and reloads once the session is set.
 */
import { ApiError, postJson } from './api.js';
import { byId } from './dom.js';
import { messageOf } from './error-area.js';

export class LoginForm {
  private readonly form = byId('login-form', HTMLFormElement);
  private readonly overlay = byId('login', HTMLDivElement);
  private readonly input = byId('login-token', HTMLInputElement);
  private readonly problem = byId('login-error', HTMLParagraphElement);

  constructor() {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.submit();
    });
  }

  show(): void {
    if (!this.overlay.hidden) return;
    this.overlay.hidden = false;
    this.input.focus();
  }

  private async submit(): Promise<void> {
    const token = this.input.value;
    this.problem.hidden = true;
    try {
      // The session belongs to the server that served the page, whichever controller is selected.
      await postJson('/session', { token });
      this.input.value = '';
      location.reload();
    } catch (error) {
      this.problem.textContent = error instanceof ApiError && error.status === 401 ? 'That token was refused.' : messageOf(error);
      this.problem.hidden = false;
    }
  }
}
