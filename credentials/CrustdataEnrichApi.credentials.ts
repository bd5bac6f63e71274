import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	Icon,
	INodeProperties,
} from 'n8n-workflow';
import { UserError } from 'n8n-workflow';

import { insecureUrlReason, trimBaseUrl } from './baseUrl';

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
	// would carry it in clear text, whatever URL the caller built.
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		requestOptions: IHttpRequestOptions,
	): Promise<IHttpRequestOptions> {
		const target = requestOptions.baseURL
			? `${trimBaseUrl(requestOptions.baseURL)}/${requestOptions.url.replace(/^\/+/, '')}`
			: requestOptions.url;
		const reason = insecureUrlReason(target);
		if (reason) {
			throw new UserError(
				`Refusing to send the Crustdata API key: ${reason}. Set the credential's Base URL to an https:// address.`,
			);
		}
		return {
			...requestOptions,
			headers: {
				...requestOptions.headers,
				Authorization: `Bearer ${credentials.apiKey}`,
				'x-api-version': credentials.apiVersion as string,
			},
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
