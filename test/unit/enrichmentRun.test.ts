import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { ManualExecutionCancelledError, sleep } from 'n8n-workflow';

import { runEnrichment } from '../../nodes/CrustdataPersonEnrich/run/enrichmentRun';
import { unheardRejectionsDuring } from '../harness/unheardRejections';
import { settingsWith } from './settingsFixture';
import { URL_TYPE } from './transportFixtures';

const url = (slug: string) => `https://www.linkedin.com/in/${slug}`;

/** An account of the newer kind: contact data only from its own endpoint, which is slow to answer. */
function newerAccount(signal: AbortSignal, sent: string[]) {
	// Profiles at 5 a minute and contact data at 1, so both passes are waiting when the execution is cancelled.
	const listing = (path: string) => ({
		endpoints: [
			{ path, status: 'enabled', effective_rate_limit_rpm: path === '/person/enrich' ? 5 : 1, fields: { enabled: ['basic_profile'], disabled: [] } },
		],
	});
	return {
		getCredentials: async () => ({ baseUrl: 'https://api.example.test', apiKey: 'k', apiVersion: 'v' }),
		getExecutionCancelSignal: () => signal,
		getNode: () => ({ name: 'Crustdata Person Enrich' }),
		helpers: {
			httpRequestWithAuthentication: async (_type: string, options: IDataObject) => {
				const path = String(options.url).replace('https://api.example.test', '');
				sent.push(path);
				if (path === '/account/endpoints') return { statusCode: 200, headers: {}, body: listing((options.qs as IDataObject).path as string) };
				const urls = (options.body as { professional_network_profile_urls: string[] }).professional_network_profile_urls;
				if (path === '/person/contact/enrich') await sleep(300);
				const matches = [{ confidence_score: 1, person_data: { basic_profile: { name: 'Someone' } } }];
				return { statusCode: 200, headers: {}, body: urls.map((matched_on) => ({ matched_on, matches })) };
			},
		},
	} as unknown as IExecuteFunctions;
}

describe('runEnrichment', () => {
	it('ends both passes at once when the execution is cancelled, leaving no rejection unheard', async () => {
		const controller = new AbortController();
		const sent: string[] = [];
		const unheard = await unheardRejectionsDuring(async () => {
			const settings = settingsWith({ batchSize: 1, contact: { tiers: ['business_emails'], verified: false } });
			const batches = Array.from({ length: 30 }, (_, i) => [url(`p${i}`)]);
			const run = runEnrichment(newerAccount(controller.signal, sent), batches, settings, URL_TYPE, { failFast: false, failsInput: () => false });
			await sleep(200);
			expect(sent).toContain('/person/contact/enrich');
			controller.abort();
			const sentBefore = sent.length;
			await expect(run).rejects.toThrow(ManualExecutionCancelledError);
			await sleep(400);
			// What was on its way completes; nothing more goes out.
			expect(sent.length).toBe(sentBefore);
		});
		expect(unheard).toEqual([]);
	});
});
