// The credential: the API key, API version and Base URL, and how each request carries the key (never in clear text, never on a redirect).
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { baseUrlRefusal, trimBaseUrl } from './baseUrl';

/**
 * The request's signal, also aborted `timeoutMs` after the request starts. n8n's `timeout` only
 * ends a connection that goes quiet, so an answer that trickles in would hold the run for ever;
 * and n8n replaces a request's own `abortSignal` with the execution's before it authenticates the
 * request, so this is the one place a deadline can be added on every n8n version.
 */
function withDeadline(signal: IHttpRequestOptions['abortSignal'], timeoutMs: number | undefined) {
	if (!timeoutMs) return signal;
	const deadline = AbortSignal.timeout(timeoutMs);
	return signal ? AbortSignal.any([signal as AbortSignal, deadline]) : deadline;
}

export class CrustdataEnrichApi implements ICredentialType {
	name = 'crustdataEnrichApi';

	displayName = 'Crustdata Enrich API';

	icon: Icon = { light: 'file:../icons/crustdata.svg', dark: 'file:../icons/crustdata.dark.svg' };

	documentationUrl = 'https://docs.crustdata.com/general/introduction';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'Your Crustdata API key, from the API section of the Crustdata dashboard',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: '2025-11-01',
			description: 'Sent as the <code>x-api-version</code> header on every request',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://api.crustdata.com',
			placeholder: 'e.g. https://api.crustdata.com',
			description:
				'Must start with https://. Plain http:// is accepted only for localhost, for example a local sandbox.',
		},
	];

	// A function rather than generic headers so the key is never attached to a request that
	// would carry it in clear text or to the wrong place, whatever URL the caller built.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const target = requestOptions.baseURL
			? `${trimBaseUrl(requestOptions.baseURL)}/${requestOptions.url.replace(/^\/+/, '')}`
			: requestOptions.url;
		const refusal = baseUrlRefusal(target);
		if (refusal) throw new UserError(`${refusal.message}. ${refusal.description}.`);
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${credentials.apiKey}`,
				'x-api-version': credentials.apiVersion as string,
			},
			// Crustdata's API has no reason to redirect, and n8n would send the key on to any origin
			// a redirect names: a redirect comes back as the answer instead.
			disableFollowRedirect: true,
			sendCredentialsOnCrossOriginRedirect: false,
			abortSignal: withDeadline(requestOptions.abortSignal, requestOptions.timeout),
		};
	}

	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl}}',
			url: '/account/credits',
			method: 'GET',
		},
	};
}
