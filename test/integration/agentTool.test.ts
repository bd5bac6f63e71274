import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { CrustdataEnrichApi } from '../../credentials/CrustdataEnrichApi.credentials';
import { TOOL_WAIT_LIMIT_MS } from '../../nodes/CrustdataPersonEnrich/agentTool';
import { CrustdataPersonEnrich } from '../../nodes/CrustdataPersonEnrich/CrustdataPersonEnrich.node';
import { TOOL_DESCRIPTION } from '../../nodes/CrustdataPersonEnrich/description/toolProperties';
import { callAsTool } from '../harness/n8n';
import { printFigures } from '../harness/report';
import type { Sandbox } from '../sandbox/server';
import { enrichRequests, profileUrl, useSandbox } from './runNode';
import { PERSON_DATA_SECTIONS } from '../../nodes/CrustdataPersonEnrich/vocabulary';

/**
 * The node's tool variant, called the way n8n runs a tool for an agent (an MCP Server Trigger's
 * call in queue mode), against the sandbox over real HTTP. The end-to-end suite does the same
 * through a real n8n and a real MCP client.
 */

const currentSandbox = useSandbox({ rateLimit: null });
let sandbox: Sandbox;
beforeEach(() => {
	sandbox = currentSandbox();
});

const PROFILE_URL_FROM_AI = "={{ $fromAI('profile_url', 'The LinkedIn profile URL of the person', 'string') }}";

/** Every section a key may have on the sandbox (the gated ones are refused). */
const EVERY_OPEN_SECTION = PERSON_DATA_SECTIONS.filter((section) => !['certifications', 'honors'].includes(section));

/** The two contexts n8n runs a tool call in: the MCP Server Trigger's, and the engine AI Agent 3.1 hands calls to. */
const CALLERS = [
	['the MCP Server Trigger', 'toolContext'],
	['AI Agent 3.1, through the workflow engine', 'engine'],
] as const;

let via: (typeof CALLERS)[number][1] = 'toolContext';

async function call(toolArgs: IDataObject, parameters: INodeParameters = {}, credentials: IDataObject = {}) {
	return await callAsTool({
		via,
		nodeType: new CrustdataPersonEnrich(),
		credentialType: new CrustdataEnrichApi(),
		credentials: { apiKey: sandbox.apiKey, apiVersion: '2025-11-01', baseUrl: sandbox.url, ...credentials },
		parameters: { operation: 'enrich', identifierType: 'profileUrl', profileUrl: PROFILE_URL_FROM_AI, ...parameters },
		toolArgs,
	});
}

/** A tool answer's size as a model takes it in: the JSON text n8n hands over, and about 4 characters a token. */
const sizeOf = (answer: unknown) => {
	const characters = JSON.stringify(answer).length;
	return { characters, tokens: Math.ceil(characters / 4) };
};

describe.each(CALLERS)('the node as a tool of %s', (_caller, context) => {
	beforeEach(() => {
		via = context;
	});

	it('reads its description from the tool-only parameter', async () => {
		const { toolDescription } = await call({ profile_url: profileUrl('ada-lovelace') });
		expect(toolDescription).toBe(TOOL_DESCRIPTION);
	});

	it("enriches the person of a messy URL from $fromAI and answers with the flat person, not person_data", async () => {
		const { answer } = await call({ profile_url: '  HTTPS://linkedin.com/in/Ada-Lovelace/?utm_source=chat ' });
		expect(answer).toHaveLength(1);
		expect(answer[0]).toMatchObject({
			matched_on: profileUrl('ada-lovelace'),
			match_status: 'matched',
			confidence_score: expect.any(Number),
			person: expect.objectContaining({ name: expect.stringContaining('Ada'), linkedin_url: expect.stringContaining('ada-lovelace') }),
		});
		expect(answer[0]).not.toHaveProperty('person_data');
		expect(enrichRequests(sandbox)).toHaveLength(1);
	});

	it('keeps one profile well under a model tool-result budget, and prints its size', async () => {
		const everything = { fields: EVERY_OPEN_SECTION, contactFields: ['business_emails', 'personal_emails', 'phone_numbers', 'websites'] };
		const compact = await call({ profile_url: profileUrl('ada-lovelace') }, everything);
		const full = await call({ profile_url: profileUrl('ada-lovelace') }, { ...everything, includePersonData: true });
		expect(full.answer[0]).toHaveProperty('person_data');
		const [compactSize, fullSize] = [sizeOf(compact.answer), sizeOf(full.answer)];
		printFigures('Tool answer for one profile, every open section and contact tier', {
			'compact (default)': `${compactSize.characters} characters, about ${compactSize.tokens} tokens`,
			'with Include Full Profile': `${fullSize.characters} characters, about ${fullSize.tokens} tokens`,
		});
		expect(compactSize.tokens).toBeLessThan(1_000);
		expect(fullSize.tokens).toBeGreaterThan(compactSize.tokens);
	});

	it('answers a bad identifier with one sentence naming it and the fix, and sends nothing billable', async () => {
		const { answer } = await call({ profile_url: 'linkedin.com/company/retool' });
		expect(answer).toEqual([
			{
				matched_on: '',
				error: '"linkedin.com/company/retool" is not a LinkedIn profile URL; use a URL of the form https://www.linkedin.com/in/<name>',
			},
		]);
		expect(enrichRequests(sandbox)).toEqual([]);
	});

	it('answers a wrong key and an empty account with what to do, never the key', async () => {
		const key = `wrong-key-${Date.now()}`;
		const wrongKey = await call({ profile_url: profileUrl('ada-lovelace') }, {}, { apiKey: key });
		expect(wrongKey.answer).toEqual([{ matched_on: profileUrl('ada-lovelace'), error: expect.stringMatching(/^Crustdata rejected the API key; check the API Key/) }]);
		expect(JSON.stringify(wrongKey.answer)).not.toContain(key);

		sandbox.configure({ creditBudget: 0 });
		const empty = await call({ profile_url: profileUrl('ada-lovelace') });
		expect(empty.answer).toEqual([{ matched_on: profileUrl('ada-lovelace'), error: expect.stringMatching(/^The Crustdata account is out of credits; top up credits/) }]);
	});

	it('answers a setting the run cannot start with as a result, not a thrown error', async () => {
		const { answer } = await call({ profile_url: profileUrl('ada-lovelace') }, { fields: [] });
		expect(answer).toEqual([{ error: 'No fields are selected; choose at least one section in Fields, or add a path in Extra Field Paths' }]);
	});

	it('keeps to Max Credits per call, and answers a dry run with its estimate, sending nothing billable', async () => {
		const capped = await call({ profile_url: profileUrl('ada-lovelace') }, { options: { maxCredits: 0.5 } });
		expect(capped.answer).toEqual([
			{ matched_on: profileUrl('ada-lovelace'), error: expect.stringMatching(/^Not sent: the credit cap of 0.5 would be exceeded; /) },
		]);
		const estimate = await call({ profile_url: profileUrl('ada-lovelace') }, { options: { dryRun: true } });
		expect(estimate.answer).toEqual([expect.objectContaining({ dry_run: true, unique_identifiers: 1, max_credits: 1 })]);
		expect(enrichRequests(sandbox)).toEqual([]);
	});

	it(`answers at once with when to retry when the rate limit would hold the call past ${TOOL_WAIT_LIMIT_MS / 1000} s`, async () => {
		sandbox.configure({ rateLimit: { limit: 1, windowMs: 90_000 } });
		await call({ profile_url: profileUrl('ada-lovelace') });
		const started = Date.now();
		const { answer } = await call({ profile_url: profileUrl('grace-hopper') });
		const tookMs = Date.now() - started;
		printFigures('Tool call against a full 90 s window', { 'answered in (ms)': tookMs, answer: JSON.stringify(answer) });
		expect(answer).toEqual([{ matched_on: profileUrl('grace-hopper'), error: expect.stringMatching(/^Rate limited by Crustdata, retry in (59|60|61) s$/) }]);
		expect(tookMs).toBeLessThan(TOOL_WAIT_LIMIT_MS);
	});

	it('answers five calls at once against a tight window, every one of them: each follows the headers and waits out its 429s', async () => {
		sandbox.configure({ rateLimit: { limit: 2, windowMs: 3_000 } });
		const slugs = ['ada-lovelace', 'grace-hopper', 'alan-turing', 'katherine-johnson', 'edsger-dijkstra'];
		const answers = await Promise.all(slugs.map(async (slug) => (await call({ profile_url: profileUrl(slug) })).answer));
		expect(answers.map((answer) => [answer[0].matched_on, answer[0].match_status])).toEqual(
			slugs.map((slug) => [profileUrl(slug), 'matched']),
		);
		const accepted = enrichRequests(sandbox).filter((request) => request.status === 200);
		expect(accepted).toHaveLength(5);
	});
});
