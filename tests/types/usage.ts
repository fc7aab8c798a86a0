// Compiled with `tsc --noEmit` by npm test's lint layer: the published types must describe the
// API as portals use it, and must reject what the API does not accept.
import { start, VERSION, type JourneyProbeApi, type PageSnapshot } from '../../js/journey-probe';

const api: JourneyProbeApi = start({
  collector: 'https://collector.example.gov.vn/v1/beacons',
  service: '1.001234',
  prefillMap: 'CSDLQG-DC: #ho_ten',
  overlay: 'never',
});
api.push(['login']);
api.login();
api.submitted();
api.mark('xac-nhan');
api.setService('2.002154');
api.push(['mark', 'buoc-2']);
api.rate(2, ['too_slow']);
api.askSatisfaction();
// @ts-expect-error: reasons come from a fixed list
api.rate(2, ['it was slow']);
api.overlay();
api.overlay(false);
api.stop();
const version: string = api.version + VERSION;
const snapshot: PageSnapshot | null = api.snapshot();
if (snapshot) {
  const origins: string[] = snapshot.fields.map((f) => f.origin + (f.source ?? '') + f.form);
  const loggedIn: boolean = snapshot.logged_in;
  const attempts: number = snapshot.forms.reduce((n, f) => n + f.attempts, 0);
  const sinceLogin: number | undefined = snapshot.clock.since_login_ms;
  const current: string | undefined = snapshot.clock.steps[snapshot.clock.steps.length - 1]?.name;
  void origins, loggedIn, attempts, sinceLogin, current;
}

// Configuration without touching the tag.
window.JourneyProbeConfig = { collector: '/v1/beacons', service: '1.001234', targetSeconds: 480, allowParams: ['buoc'] };
// @ts-expect-error: not an option
window.JourneyProbeConfig = { colector: '/v1/beacons' };

// The queue convention before the loader runs.
window.JourneyProbe = window.JourneyProbe || [];
if (Array.isArray(window.JourneyProbe)) window.JourneyProbe.push(['login']);

// @ts-expect-error: an unknown command is not a JourneyProbeCommand
api.push(['logn']);
// @ts-expect-error: the service code is required
start({ collector: '/v1/beacons' });
void version;
