/**
 * The dashboard's entry: reads the config (which controllers, whether a token is needed),
 * builds the views over the selected controller's data, and routes the tabs.
 */
import { Api, ApiError, requestJson } from './api.js';
import type { ControllerRef, DashboardConfig } from './contracts.js';
import { ControllerData } from './controller-data.js';
import { byId } from './dom.js';
import { ErrorArea } from './error-area.js';
import { Header } from './header.js';
import { LoginForm } from './login.js';
import { Palette } from './palette.js';
import { Router } from './router.js';
import { ThemeControl } from './theme.js';
import type { ViewContext } from './view-context.js';
import { ChaosTab } from './view-chaos.js';
import { FlowTab } from './view-flow.js';
import { HealthTab } from './view-health.js';
import { InspectorTab } from './view-inspector.js';
import { JobsTab } from './view-jobs.js';
import { PerformanceTab } from './view-performance.js';
import { RingTab } from './view-ring.js';
import { TopologyTab } from './view-topology.js';

/** The controller picked last time, by name (not a secret: the token never goes to storage). */
const SELECTED_KEY = 'dynamo-dashboard-controller';

async function main(): Promise<void> {
  const errors = new ErrorArea(byId('error', HTMLDivElement));
  const report = errors.report.bind(errors);
  const login = new LoginForm();
  const theme = new ThemeControl(byId('theme-toggle', HTMLButtonElement));
  const router = new Router();

  let config: DashboardConfig | undefined;
  try {
    config = await requestJson<DashboardConfig>('/dashboard/config.json');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) login.show();
    else report('Reading the dashboard configuration', error);
    return;
  }
  const controllers = config?.controllers ?? [];
  const first = controllers[0];
  if (first === undefined) {
    errors.show('The dashboard configuration lists no controller.');
    return;
  }
  const makeApi = (ref: ControllerRef): Api => new Api(ref.base, () => login.show());
  const data = new ControllerData(makeApi, report);
  const palette = new Palette();
  // First among the ring's listeners: the views draw with the colours assigned here.
  data.events.on('ring', (ring) => palette.assign(ring?.nodes ?? []));
  const context: ViewContext = { data, router, report, palette };

  const header = new Header(controllers, (ref) => select(ref));
  const select = (ref: ControllerRef): void => {
    localStorage.setItem(SELECTED_KEY, ref.name);
    header.showSelected(ref);
    data.select(ref);
  };
  data.events.on('connection', (state) => header.showConnection(state));

  // Each view lives on through the listeners it registers: nothing else needs to hold it.
  new TopologyTab(context, controllers, makeApi, select);
  new RingTab(context);
  new HealthTab(context);
  new FlowTab(context);
  new PerformanceTab(context, theme);
  new ChaosTab(context);
  new InspectorTab(context);
  new JobsTab(context);

  router.route();
  const remembered = controllers.find((ref) => ref.name === localStorage.getItem(SELECTED_KEY));
  select(remembered ?? first);
}

void main();
