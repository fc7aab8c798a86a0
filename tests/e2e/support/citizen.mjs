// The scripted citizen's way in, shared by the e2e files that walk the demo service: the
// service's page, "Nộp hồ sơ", the login with VNeID, and step 1 with its pre-fill arrived.

/** The demo's service code path. */
export const SERVICE = '/dich-vu/1.001234';

/** From the service's page through login to step 1, its database pre-fill done. */
export async function loginToStepOne(page, portalUrl) {
  await page.goto(`${portalUrl}${SERVICE}`);
  await page.click('#btn-nop-ho-so');
  await page.waitForURL(/\/dang-nhap/);
  await page.click('#btn-vneid');
  await page.waitForURL(/buoc-1$/);
  await page.waitForSelector('#trang-thai-csdl[data-state="done"]');
}
