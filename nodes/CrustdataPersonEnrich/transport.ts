import type { IDataObject, IExecuteFunctions, IHttpRequestOptions, IN8nHttpFullResponse } from 'n8n-workflow';
import * as workflow from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { insecureUrlReason, trimBaseUrl } from '../../credentials/baseUrl';
import type { HttpAnswer } from './answerPolicy';
import type { Clock } from './pacer';

/**
 * Transport: the only place that talks HTTP. Every request goes through the credential, to the
 * credential's Base URL, and comes back as status, headers and body whatever the status, so the
 * answer policy decides what an answer means. A failed connection or a timeout throws.
 */

export const CREDENTIAL_TYPE = 'crustdataEnrichApi';

export interface CrustdataClient {
	post(path: string, body: IDataObject): Promise<HttpAnswer>;
	get(path: string, query: IDataObject, timeoutMs: number): Promise<HttpAnswer>;
	/** Aborted when the execution is cancelled. */
	signal: AbortSignal | undefined;
}

/** A client for the credential's Base URL, refusing any URL the key must not travel to. */
export async function openCrustdataClient(context: IExecuteFunctions, timeoutMs: number): Promise<CrustdataClient> {
	const credentials = await context.getCredentials<{ baseUrl?: string }>(CREDENTIAL_TYPE);
	const baseUrl = trimBaseUrl(credentials.baseUrl || 'https://api.crustdata.com');
	const insecure = insecureUrlReason(baseUrl);
	if (insecure) {
		throw new NodeOperationError(context.getNode(), `Refusing to send the Crustdata API key: ${insecure}`, {
			description: "Set the credential's Base URL to an https:// address",
		});
	}
	const request = async (options: IHttpRequestOptions): Promise<HttpAnswer> => {
		const response = (await context.helpers.httpRequestWithAuthentication.call(context, CREDENTIAL_TYPE, {
			...options,
			url: `${baseUrl}${options.url}`,
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as IN8nHttpFullResponse;
		return { statusCode: response.statusCode, headers: response.headers ?? {}, body: response.body };
	};
	return {
		post: async (path, body) => await request({ method: 'POST', url: path, body, timeout: timeoutMs }),
		get: async (path, query, getTimeoutMs) => await request({ method: 'GET', url: path, qs: query, timeout: getTimeoutMs }),
		signal: context.getExecutionCancelSignal?.(),
	};
}

type AbortableSleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * n8n-workflow's abortable sleep, from whichever n8n loads the package: n8n 2.8 exports it as
 * `sleepWithAbort`; later versions dropped that name and give `sleep` the signal instead.
 */
const abortableSleep: AbortableSleep =
	'sleepWithAbort' in workflow && typeof workflow.sleepWithAbort === 'function'
		? workflow.sleepWithAbort
		: (workflow.sleep as AbortableSleep);

/** Real time, whose waits end at once, with n8n's cancellation error, when the run is cancelled. */
export function abortableClock(signal: AbortSignal | undefined): Clock {
	return { now: () => Date.now(), sleep: async (ms) => await abortableSleep(ms, signal) };
}
