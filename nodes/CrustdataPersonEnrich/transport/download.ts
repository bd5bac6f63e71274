// Result downloads: a plain GET of a batch job's pre-signed link, which carries no credential and so no API key.
import type { IExecuteFunctions, IN8nHttpFullResponse } from 'n8n-workflow';

import { connectionProblem } from './answerPolicy';

export type Download = { bytes: Uint8Array } | { failed: string; retryable: boolean };

/**
 * The links are signed for another host, which refuses a second authentication, and the key must
 * never travel there, so this function never touches the credential (n8n's scanner also fails
 * one that both reads credentials and sends a plain request). The body comes back as bytes: as
 * text, gzip would arrive corrupted. Messages never quote the link, whose signature grants access.
 */
export async function downloadResultFile(context: IExecuteFunctions, url: string, timeoutMs: number): Promise<Download> {
	let protocol: string;
	try {
		protocol = new URL(url).protocol;
	} catch {
		return { failed: 'its link is not a URL', retryable: false };
	}
	if (protocol !== 'https:' && protocol !== 'http:') return { failed: `its link is a ${protocol} link, not a web address`, retryable: false };
	let response: IN8nHttpFullResponse;
	try {
		response = (await context.helpers.httpRequest({
			method: 'GET',
			url,
			encoding: 'arraybuffer',
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
			timeout: timeoutMs,
			abortSignal: context.getExecutionCancelSignal?.(),
		})) as IN8nHttpFullResponse;
	} catch (error) {
		return { failed: connectionProblem(error, timeoutMs), retryable: true };
	}
	const { statusCode, body } = response;
	if (statusCode !== 200) return { failed: `its download answered ${statusCode}`, retryable: statusCode >= 500 };
	return { bytes: body instanceof Uint8Array ? body : new Uint8Array(body as ArrayBuffer) };
}
