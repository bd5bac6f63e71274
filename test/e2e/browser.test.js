// The editor in a real browser (Playwright driving Debian's Chromium): the pinned n8n with the
// package, an owner created over REST, an example workflow opened, the node's panel checked for
// the dynamic UI, and screenshots of the panel and of a finished run for the README.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { after, afterEach, before, describe, it } = require('node:test');
const { chromium } = require('playwright-core');

const { contractViolations } = require('../contract/crustdataApi');
const { startSandbox } = require('../sandbox/server');
const {
	E2E_VERSION: VERSION,
	PINNED_VERSION,
	createInstance,
	debianProgram,
	ensureN8n,
	freePort,
	importFixtures,
	postWhenRegistered,
	sandboxCredential,
	startN8n,
} = require('./n8nHost');

// Every run saves its screenshots under .e2e/; UPDATE_SCREENSHOTS=1 refreshes the README's in docs/.
const SCREENSHOTS = path.resolve(__dirname, '../..', process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : '.e2e/screenshots');
// Screenshots come from the version the README describes.
const WRITES_SCREENSHOTS = VERSION === PINNED_VERSION;
const OWNER = { email: 'owner@example.com', firstName: 'Ada', lastName: 'Owner', password: 'Sandbox-Owner-1' };
// The flags Chromium needs as root in a closed network.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let sandbox;
let n8n;
let browser;
let page;

before(async () => {
	sandbox = await startSandbox({ latencyMs: 150 });
	const port = await freePort();
	const instance = await createInstance(ensureN8n(VERSION), 'browser', { N8N_LISTEN_ADDRESS: '127.0.0.1', N8N_PORT: String(port) });
	const workflowsDir = path.join(instance.userFolder, 'workflows');
	fs.mkdirSync(workflowsDir);
	for (const file of ['examples/csv-in-csv-out.json', 'test/e2e/workflows/profile-urls.json']) {
		fs.copyFileSync(path.resolve(__dirname, '../..', file), path.join(workflowsDir, path.basename(file)));
	}
	await importFixtures(instance, [sandboxCredential('CrustdataCred001', 'Crustdata sandbox', sandbox.url, sandbox.apiKey)], workflowsDir);
	n8n = startN8n(instance, ['start']);
	const baseURL = `http://127.0.0.1:${port}`;
	// Readiness, and even the settings route, answer before the owner route exists: poll that one.
	const setup = await postWhenRegistered(`${baseURL}/rest/owner/setup`, OWNER);
	assert.equal(setup.status, 200, await setup.text());

	browser = await chromium.launch({ executablePath: debianProgram('chromium', 'chromium'), args: CHROMIUM_ARGS });
	const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, baseURL });
	page = await context.newPage();
	const login = await page.request.post('/rest/login', { data: { emailOrLdapLoginId: OWNER.email, password: OWNER.password } });
	assert.equal(login.status(), 200);
	if (WRITES_SCREENSHOTS) fs.mkdirSync(SCREENSHOTS, { recursive: true });
});

// Whatever a test did, the sandbox answered as Crustdata's documented API does.
afterEach(() => assert.deepEqual(contractViolations(sandbox?.requests ?? []), []));

after(async () => {
	await browser?.close();
	await n8n?.stop();
	await sandbox?.close();
});

const parameter = (name) => page.locator(`[data-test-id="parameter-input-${name}"]`);

async function choose(parameterName, optionName) {
	await parameter(parameterName).click();
	const option = page.locator('.el-select-dropdown__item:visible', { hasText: optionName }).first();
	await option.click();
	await option.waitFor({ state: 'hidden' });
}

const dropdownOption = (name) =>
	// The option's name exactly: a plain text match would also hit descriptions that mention it.
	page.locator('.el-select-dropdown__item:visible').filter({ has: page.getByText(name, { exact: true }) });

/** Closes the open dropdown and waits until its options are gone, so they never mix with the next one's. */
async function closeDropdown() {
	await page.keyboard.press('Escape');
	await page.locator('.el-select-dropdown__item:visible').first().waitFor({ state: 'hidden' });
}

/** Clicks one option of a multiOptions parameter: that adds it when it is not selected and removes it when it is. */
async function toggleOption(parameterName, optionName) {
	await parameter(parameterName).click();
	await dropdownOption(optionName).click();
	// A multiple choice keeps its list open after a click.
	await closeDropdown();
}

async function openNode(workflowId, nodeName) {
	await page.goto(`/workflow/${workflowId}`);
	await page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`).dblclick();
	await parameter('operation').waitFor();
}

describe(`the editor of n8n ${VERSION} in Chromium`, () => {
	it('shows the identifier that applies, the threshold for emails only, and every section in Fields', async () => {
		await openNode('ExampleCsvToCsv1', 'Crustdata Person Enrich');
		assert.equal(await parameter('profileUrl').isVisible(), true, 'Profile URL shows for profile URLs');
		assert.equal(await parameter('minSimilarityScore').count(), 0, 'no threshold for profile URLs');
		if (WRITES_SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, 'node-panel.png') });

		await choose('identifierType', 'Business Email');
		await parameter('minSimilarityScore').waitFor();
		assert.equal(await parameter('businessEmail').isVisible(), true);
		assert.equal(await parameter('profileUrl').count(), 0, 'Business Email hides Profile URL');

		await choose('operation', 'Enrich Live');
		await parameter('profileUrl').waitFor();
		assert.equal(await parameter('identifierType').count(), 0, 'Live Enrich hides Identifier Type');
		assert.equal(await parameter('minSimilarityScore').count(), 0);

		await parameter('fields').click();
		const options = await page.locator('.el-select-dropdown__item:visible').allInnerTexts();
		assert.deepEqual(
			options.map((option) => option.split('\n')[0]),
			['Basic Profile', 'Certifications', 'Contact', 'Developer Platform Profiles', 'Education', 'Experience', 'Honors', 'Professional Network', 'Skills', 'Social Handles'],
		);
		await page.keyboard.press('Escape');
	});

	it('shows Contact Fields only while Contact is selected in Fields, each tier with its price', async () => {
		// The example asks for Basic Profile, Social Handles and Experience, not Contact.
		await openNode('ExampleCsvToCsv1', 'Crustdata Person Enrich');
		await parameter('fields').waitFor();
		assert.equal(await parameter('contactFields').count(), 0, 'no Contact Fields while Fields lacks Contact');

		await toggleOption('fields', 'Contact');
		await parameter('contactFields').waitFor();
		assert.match(await parameter('contactFields').innerText(), /Business Emails/, 'the cheapest tier is chosen by default');
		// The tiers are billed apart, so each says what it costs (Crustdata's prices).
		await parameter('contactFields').click();
		await dropdownOption('Websites').waitFor();
		const tiers = await page.locator('.el-select-dropdown__item:visible').allInnerTexts();
		await closeDropdown();
		assert.deepEqual(tiers.map((tier) => tier.split('\n')[0]), ['Business Emails', 'Personal Emails', 'Phone Numbers', 'Websites']);
		const priceOf = (name) => tiers.find((tier) => tier.startsWith(name));
		assert.match(priceOf('Business Emails'), /\b1 credit\b/);
		assert.match(priceOf('Personal Emails'), /\b2 credits\b/);
		assert.match(priceOf('Phone Numbers'), /\b2 credits\b/);
		assert.match(priceOf('Websites'), /\bFree\b/);

		// Taking Contact out again hides them: the display rule follows Fields both ways.
		await toggleOption('fields', 'Contact');
		await parameter('contactFields').waitFor({ state: 'detached' });
		assert.equal(await parameter('fields').isVisible(), true, 'the panel is still open: Contact Fields went because Contact did');
	});

	it('runs a workflow and shows the enriched items', async () => {
		await page.goto('/workflow/E2eProfileUrls01');
		await page.locator('[data-test-id="execute-workflow-button"]').click();
		await page.locator('[data-test-id="canvas-node"][data-node-name="Linked Row"] [data-test-id="canvas-node-status-success"]').waitFor({ timeout: 60_000 });
		await page.locator('[data-test-id="canvas-node"][data-node-name="Crustdata Person Enrich"]').dblclick();
		const output = page.locator('[data-test-id="output-panel"]');
		await output.getByText('35 items').first().waitFor();
		if (WRITES_SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, 'finished-run.png') });
		assert.equal(sandbox.requests.filter((request) => request.path === '/person/enrich').length, 2);
	});
});
