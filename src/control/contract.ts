/**
 * The control API's contract: every route with what a client sends and what it gets back, as declared by the
 * feature that serves it (each beside its handlers, held to it by `typedRoutes`). Clients — the live view, the
 * fleet view, `report`/`frames`/`audit` through a running proxy, tests — call through `callControl`, which
 * compiles against this map. Adding a route is one line in its feature's route map; a feature with routes of
 * its own adds its map here once.
 */
import type { InterceptRoutes } from '../intercept/intercept-routes.js';
import type { KpiRoutes } from '../kpi/kpi-routes.js';
import type { MirrorRoutes } from '../mirror/mirror-routes.js';
import type { ProfileRoutes } from '../profiles/profile-binding-addon.js';
import type { RulesRoutes } from '../rules/rules-routes.js';
import type { StoreRoutes } from '../store/store-routes.js';
import type { ValidationRoutes } from '../validation/validation-routes.js';
import type { OperatorRoutes } from './operator-routes.js';

export type ControlContract = OperatorRoutes & RulesRoutes & KpiRoutes & ValidationRoutes & StoreRoutes & ProfileRoutes & MirrorRoutes & InterceptRoutes;

export type ControlRoute = keyof ControlContract & string;

/** What `route` answers. */
export type ResponseOf<K extends ControlRoute> = ControlContract[K]['response'];

export type { InjectBody, InjectResult, SessionView, StatsView } from './operator-routes.js';
