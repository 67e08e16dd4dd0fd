/** The header's live parts: the controller picker (shown with more than one) and the connection badge. */
import type { ControllerRef } from './contracts.js';
import { byId, h, setAttr, setText } from './dom.js';
import type { ConnectionState } from './events.js';

const BADGE_TEXT: Record<ConnectionState, string> = { connecting: 'connecting…', open: 'live', reconnecting: 'reconnecting…' };

export class Header {
  private readonly select = byId('controller-select', HTMLSelectElement);
  private readonly badge = byId('conn-badge', HTMLSpanElement);

  constructor(controllers: readonly ControllerRef[], onSelect: (ref: ControllerRef) => void) {
    this.select.replaceChildren(...controllers.map((ref) => h('option', { value: ref.name }, ref.name)));
    // With one controller its name is shown as text; with more, the picker shows it.
    byId('controller-picker', HTMLLabelElement).hidden = controllers.length < 2;
    byId('controller-name', HTMLSpanElement).hidden = controllers.length >= 2;
    this.select.addEventListener('change', () => {
      const ref = controllers.find((c) => c.name === this.select.value);
      if (ref !== undefined) onSelect(ref);
    });
  }

  showSelected(ref: ControllerRef): void {
    this.select.value = ref.name;
    setText(byId('selected-controller', HTMLElement), ref.name);
  }

  showConnection(state: ConnectionState): void {
    setAttr(this.badge, 'data-state', state);
    setText(this.badge, BADGE_TEXT[state]);
  }
}
