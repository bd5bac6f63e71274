import type { IDataObject } from 'n8n-workflow';

import { contactEndpointPass } from '../../nodes/CrustdataPersonEnrich/contact/contactPass';
import { personCredits } from '../../nodes/CrustdataPersonEnrich/credits/prices';
import { buildRequestBody } from '../../nodes/CrustdataPersonEnrich/planning/requestPlanning';
import { CONTACT_TIERS, type ContactTier, type EnrichSettings } from '../../nodes/CrustdataPersonEnrich/types';
import type { Sandbox } from '../sandbox/server';
import { settingsWith, subsets } from '../unit/settingsFixture';
import { profileUrl, useSandbox } from './runNode';
import { tierPaths, profileRequestFields } from '../../nodes/CrustdataPersonEnrich/planning/requestFields';
import { ENDPOINT } from '../../nodes/CrustdataPersonEnrich/vocabulary';
import { BatchFeed } from '../../nodes/CrustdataPersonEnrich/transport/batchFeed';

// The price table against what the sandbox bills, which is written from Crustdata's published
// prices and not from the node: for every field and tier choice on both API generations, the
// node's worst case is what a person who has everything costs, and nobody costs more.

const currentSandbox = useSandbox({ rateLimit: null, previewEnabled: true });
let sandbox: Sandbox;
beforeEach(() => {
	sandbox = currentSandbox();
});

/** Found, with every contact tier and a developer platform profile: the dearest person there is. */
const EVERYTHING = profileUrl('fullcontact-dev-1');
const ORDINARY = Array.from({ length: 25 }, (_, i) => profileUrl(`price-check-${i}`));

async function billed(path: string, body: IDataObject): Promise<number> {
	const response = await fetch(`${sandbox.url}${path}`, {
		method: 'POST',
		headers: { authorization: `Bearer ${sandbox.apiKey}`, 'x-api-version': '2025-11-01', 'content-type': 'application/json' },
		body: JSON.stringify(body),
	});
	expect(response.status).toBe(200);
	return Number(response.headers.get('x-credits-used'));
}

/** What the node's requests for `urls` cost on `generation`: contact data with the profile, or from the contact endpoint after it. */
async function runCost(urls: string[], settings: EnrichSettings, generation: 1 | 2): Promise<number> {
	const path = ENDPOINT[settings.operation];
	const { contact } = settings;
	if (generation === 1) {
		const fields = [...profileRequestFields(settings), ...(contact ? tierPaths(contact.tiers) : [])];
		return await billed(path, buildRequestBody(urls, settings, fields));
	}
	const profiles = await billed(path, buildRequestBody(urls, settings));
	if (!contact) return profiles;
	const pass = contactEndpointPass(BatchFeed.of([]), contact, { requestsPerMinute: 15, source: '' });
	return profiles + (await billed(pass.path, pass.body(urls)));
}

const choices = subsets(CONTACT_TIERS).flatMap((tiers: ContactTier[]) =>
	[false, true].flatMap((devPlatform) =>
		[false, true].map((verified) => ({
			tiers,
			devPlatform,
			verified,
			settings: settingsWith({
				fields: ['basic_profile', ...(devPlatform ? ['dev_platform_profiles'] : [])],
				contact: tiers.length > 0 ? { tiers, verified } : undefined,
			}),
		})),
	),
);

describe.each([1, 2] as const)('generation %i', (generation) => {
	beforeEach(() => sandbox.configure({ apiGeneration: generation }));
	const source = generation === 1 ? 'profile' : 'contactEndpoint';

	it.each(choices.map((choice) => [`${choice.tiers.join('+') || 'no contact'}${choice.devPlatform ? ', dev platform' : ''}${choice.verified ? ', verified' : ''}`, choice]))(
		'%s: the worst case is what the dearest person costs, and no one costs more',
		async (_, { settings }) => {
			const worst = personCredits(settings, settings.contact ? source : undefined);
			expect(await runCost([EVERYTHING], settings, generation)).toBe(worst);
			expect(await runCost(ORDINARY, settings, generation)).toBeLessThanOrEqual(ORDINARY.length * worst);
		},
	);

	it('a run whose account could not say where contact data comes from is priced for the dearer of the two', () => {
		for (const { settings } of choices.filter((choice) => choice.tiers.length > 0)) {
			expect(personCredits(settings, 'untold')).toBe(
				Math.max(personCredits(settings, 'profile'), personCredits(settings, 'contactEndpoint')),
			);
		}
	});
});

it('Enrich Live costs the same for everyone it finds, and a preview nothing', async () => {
	const live = settingsWith({ operation: 'enrichLive', fields: ['basic_profile', 'dev_platform_profiles'] });
	expect(await runCost([EVERYTHING], live, 1)).toBe(personCredits(live));
	const preview = settingsWith({ preview: true });
	expect(personCredits(preview)).toBe(0);
	expect(await runCost([EVERYTHING], preview, 1)).toBe(0);
});
