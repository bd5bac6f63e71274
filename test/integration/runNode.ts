import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { CrustdataEnrichApi } from '../../credentials/CrustdataEnrichApi.credentials';
import { CrustdataPersonEnrich } from '../../nodes/CrustdataPersonEnrich/CrustdataPersonEnrich.node';
import { runEnrichWorkflow, stopN8nServices, type EnrichRun, type EnrichRunOptions } from '../harness/n8n';
import { contractViolations } from '../contract/crustdataApi';
import { DEFAULT_OPTIONS, startSandbox, type Sandbox, type SandboxOptions, type SandboxRequestLogEntry } from '../sandbox/server';

/**
 * One sandbox for the test file, back to `options` (on top of the defaults) with an empty
 * log before each test.
 */
export function useSandbox(options: SandboxOptions = {}): () => Sandbox {
	let sandbox: Sandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox();
		// A test that resets the sandbox part-way has its earlier answers checked first.
		sandbox.onReset(expectContractKept);
	});
	afterAll(async () => {
		await sandbox?.close();
		stopN8nServices();
	});
	beforeEach(() => {
		sandbox?.configure({ ...DEFAULT_OPTIONS, ...options });
		sandbox?.reset();
	});
	afterEach(() => expectContractKept(sandbox?.requests ?? []));
	return () => {
		if (!sandbox) throw new Error('The sandbox is not running');
		return sandbox;
	};
}

/** Whatever a test did, the sandbox answered as Crustdata's documented API does. */
function expectContractKept(exchanges: readonly SandboxRequestLogEntry[]): void {
	expect(contractViolations(exchanges)).toEqual([]);
}

export type RunOptions = Partial<Omit<EnrichRunOptions, 'nodeType' | 'credentialType' | 'parameters'>> & {
	parameters?: INodeParameters;
};

/** Runs the node in n8n's engine against the sandbox, with the sandbox's key unless given another. */
export async function runNode(sandbox: Sandbox, options: RunOptions): Promise<EnrichRun> {
	return await runEnrichWorkflow({
		nodeType: new CrustdataPersonEnrich(),
		credentialType: new CrustdataEnrichApi(),
		items: [],
		...options,
		credentials: { apiKey: sandbox.apiKey, apiVersion: '2025-11-01', baseUrl: sandbox.url, ...options.credentials },
		parameters: { operation: 'enrich', identifierType: 'profileUrl', profileUrl: '={{ $json.url }}', ...options.parameters },
	});
}

export const profileUrl = (slug: string) => `https://www.linkedin.com/in/${slug}`;

export const urlItems = (urls: string[]): IDataObject[] => urls.map((url, row) => ({ row, url }));

/** The enrich requests the sandbox received (its log also holds other routes). */
export const enrichRequests = (sandbox: Sandbox) => sandbox.requests.filter((request) => request.path.startsWith('/person/'));
