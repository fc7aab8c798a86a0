// The scripted citizen's way in, shared by the e2e files, the simulator (scripts/simulate.mjs)
// and the bench (scripts/bench-common.mjs): the service's page, "Nộp hồ sơ", the login with
// VNeID, and step 1 with its database pre-fill arrived. Each caller spends its own time on the
// way (a scripted clock, a simulated reader, the bench's page hooks) through the hooks.

/** The demo's service code path. */
export const SERVICE = '/dich-vu/1.001234';

/**
 * From the service's page through login to step 1, its pre-fill done. `onInfo` runs on the
 * service's page, `onLogin` on the login page, `onStepOne` on step 1 before its pre-fill has
 * arrived; what `onStepOne` returns is returned.
 */
export async function loginToStepOne(page, portalUrl, { onInfo, onLogin, onStepOne } = {}) {
  await page.goto(`${portalUrl}${SERVICE}`);
  if (onInfo) await onInfo();
  await page.click('#btn-nop-ho-so');
  await page.waitForURL(/\/dang-nhap/);
  if (onLogin) await onLogin();
  await page.click('#btn-vneid');
  await page.waitForURL(/buoc-1$/);
  const result = onStepOne ? await onStepOne() : undefined;
  await page.waitForSelector('#trang-thai-csdl[data-state="done"]');
  return result;
}
