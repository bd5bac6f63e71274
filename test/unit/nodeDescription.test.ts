import type { INodeParameters, INodeProperties, INodePropertyOptions } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { CrustdataPersonEnrich } from '../../nodes/CrustdataPersonEnrich/CrustdataPersonEnrich.node';
import codex from '../../nodes/CrustdataPersonEnrich/CrustdataPersonEnrich.node.json';

/** The public contract of ../shared/spec/node-interface.md: names, types, defaults, visibility. */
const { description } = new CrustdataPersonEnrich();
const parameters = (name: string) => description.properties.filter((property) => property.name === name);
const parameter = (name: string) => parameters(name)[0];
const values = (property: INodeProperties) => (property.options as INodePropertyOptions[]).map((option) => option.value);
const option = (name: string) =>
	(parameter('options').options as INodeProperties[]).find((property) => property.name === name) as INodeProperties;

describe('node description', () => {
	it('is crustdataPersonEnrich, version 1, usable as a tool, with the credential', () => {
		expect(description).toMatchObject({
			name: 'crustdataPersonEnrich',
			displayName: 'Crustdata Person Enrich',
			version: 1,
			usableAsTool: true,
			credentials: [{ name: 'crustdataEnrichApi', required: true }],
		});
		expect(description.subtitle).toEqual(expect.stringContaining('$parameter'));
	});

	it('has the contract parameters in order', () => {
		expect([...new Set(description.properties.map((property) => property.name))]).toEqual([
			'toolDescription',
			'operation',
			'identifierType',
			'profileUrl',
			'businessEmail',
			'batchId',
			'fields',
			'minSimilarityScore',
			'contactFields',
			'includePersonData',
			'options',
		]);
	});

	it('offers the contract values with the contract defaults', () => {
		expect(values(parameter('operation'))).toEqual(['enrich', 'enrichLive', 'enrichBatch', 'getBatchResults']);
		expect(parameter('operation').default).toBe('enrich');
		expect(values(parameter('identifierType')).sort()).toEqual(['businessEmail', 'profileUrl']);
		expect(parameter('identifierType').default).toBe('profileUrl');
		expect(values(parameter('fields'))).toEqual(
			expect.arrayContaining([
				'basic_profile',
				'professional_network',
				'social_handles',
				'experience',
				'education',
				'skills',
				'contact',
				'dev_platform_profiles',
				'certifications',
				'honors',
			]),
		);
		expect(values(parameter('fields'))).toHaveLength(10);
		expect(parameter('fields').default).toEqual(['basic_profile', 'social_handles']);
		expect(parameter('minSimilarityScore')).toMatchObject({ type: 'number', default: 0, typeOptions: { minValue: 0, maxValue: 1 } });
		expect(parameter('profileUrl').default).toBe('');
		expect(parameter('businessEmail').default).toBe('');
		expect(parameter('batchId')).toMatchObject({ type: 'string', default: '', displayOptions: { show: { operation: ['getBatchResults'] } } });
	});

	it('has the contract options', () => {
		expect(option('fieldPaths')).toMatchObject({ type: 'string', default: '' });
		expect(values(option('onNoMatch'))).toEqual(expect.arrayContaining(['emitItem', 'skip', 'error']));
		expect(option('onNoMatch').default).toBe('emitItem');
		expect(values(option('returnMatches'))).toEqual(['all', 'best']);
		expect(option('returnMatches').default).toBe('all');
		expect(option('batchSize')).toMatchObject({ type: 'number', default: 25, typeOptions: { minValue: 1, maxValue: 25 } });
		expect(option('maxRequestsPerMinute')).toMatchObject({ type: 'number', default: 0, typeOptions: { minValue: 0 } });
		expect(option('concurrency')).toMatchObject({ type: 'number', default: 0, typeOptions: { minValue: 0, maxValue: 10 } });
		expect(option('preview')).toMatchObject({ type: 'boolean', default: false });
		expect(option('maxCredits')).toMatchObject({ type: 'number', default: 0, typeOptions: { minValue: 0 } });
		expect(option('dryRun')).toMatchObject({ type: 'boolean', default: false });
		expect(option('maxWaitMinutes')).toMatchObject({ type: 'number', default: 60 });
	});

	it('shows each identifier only where it applies', () => {
		expect(parameter('identifierType').displayOptions).toEqual({ show: { operation: ['enrich', 'enrichBatch'] } });
		expect(parameters('profileUrl').map((property) => property.displayOptions)).toEqual([
			{ show: { operation: ['enrich', 'enrichBatch'], identifierType: ['profileUrl'] } },
			{ show: { operation: ['enrichLive'] } },
		]);
		expect(parameter('businessEmail').displayOptions).toEqual({
			show: { operation: ['enrich', 'enrichBatch'], identifierType: ['businessEmail'] },
		});
		expect(parameter('minSimilarityScore').displayOptions).toEqual({
			show: { operation: ['enrich'], identifierType: ['businessEmail'] },
		});
	});
});

describe('options that apply to email lookups only', () => {
	const shownFor = (parameters: INodeParameters) =>
		NodeHelpers.displayParameterPath(parameters, option('requireEmployerDomainMatch'), 'options', { typeVersion: 1 }, description);

	it('shows Require Employer Domain Match only where it applies, as n8n decides it', () => {
		expect(shownFor({ operation: 'enrich', identifierType: 'businessEmail', options: {} })).toBe(true);
		expect(shownFor({ operation: 'enrich', identifierType: 'profileUrl', options: {} })).toBe(false);
		expect(shownFor({ operation: 'enrichLive', identifierType: 'businessEmail', options: {} })).toBe(false);
		expect(shownFor({ operation: 'enrichBatch', identifierType: 'businessEmail', options: {} })).toBe(true);
	});
});

describe('options with batch jobs', () => {
	const shown = (name: string, operation: string) =>
		NodeHelpers.displayParameterPath({ operation, identifierType: 'profileUrl', options: {} }, option(name), 'options', { typeVersion: 1 }, description);
	const shownOptions = (operation: string) => (parameter('options').options as INodeProperties[]).map(({ name }) => name).filter((name) => shown(name, operation));

	it('hides the options that shape a synchronous request, and shows Max Wait with batch jobs only', () => {
		expect(shownOptions('enrichBatch')).toEqual([
			'dryRun',
			'fieldPaths',
			'includeInputFields',
			'maxCredits',
			'maxRetries',
			'maxWaitMinutes',
			'onNoMatch',
			'timeout',
			'simplify',
		]);
		expect(shownOptions('enrich')).not.toContain('maxWaitMinutes');
		expect(shownOptions('enrich')).toEqual(expect.arrayContaining(['batchSize', 'maxRequestsPerMinute', 'returnMatches', 'preview', 'verifiedEmailsOnly']));
	});

	it('offers Get Batch Results only what shapes its items', () => {
		expect(shownOptions('getBatchResults')).toEqual(['includeInputFields', 'maxRetries', 'timeout', 'simplify']);
	});
});

describe('codex', () => {
	it('files the node under Sales, with links to its documentation and credential', () => {
		expect(codex).toMatchObject({ node: 'n8n-nodes-crustdata-enrich.crustdataPersonEnrich', nodeVersion: '1.0', categories: ['Sales'] });
		expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\//);
		expect(codex.resources.credentialDocumentation[0].url).toMatch(/^https:\/\//);
	});
});
