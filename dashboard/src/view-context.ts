/** What every view is built with. */
import type { ControllerData } from './controller-data.js';
import type { Report } from './error-area.js';
import type { Palette } from './palette.js';
import type { Router } from './router.js';

export interface ViewContext {
  /** The selected controller: its status, ring, stats frames and events. */
  readonly data: ControllerData;
  readonly router: Router;
  readonly report: Report;
  /** Node colours, assigned from the selected controller's ring. */
  readonly palette: Palette;
}
