// The node's parameters, read once per run into settings the other modules understand, and each input item's raw identifier.
import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { MAX_BATCH_SIZE, UnreadableIdentifier } from './planning/requestPlanning';
import { MAX_IN_FLIGHT } from './transport/pacer';
import {
	CONTACT_SECTION,
	CONTACT_TIERS,
	type ContactSettings,
	type ContactTier,
	type EnrichSettings,
	type IdentifierType,
	type OnNoMatch,
	type EnrichOperation,
	type ReturnMatches,
	numberFrom,
} from './types';
import { PERSON_DATA_SECTIONS } from './vocabulary';

interface Options {
	batchSize?: number;
	concurrency?: number;
	dryRun?: boolean;
	fieldPaths?: string;
	includeInputFields?: boolean;
	maxCredits?: unknown;
	maxRequestsPerMinute?: number;
	maxRetries?: number;
	maxWaitMinutes?: unknown;
	onNoMatch?: OnNoMatch;
	preview?: boolean;
	requireEmployerDomainMatch?: boolean;
	returnMatches?: ReturnMatches;
	simplify?: boolean;
	timeout?: number;
	verifiedEmailsOnly?: boolean;
}

const FIELD_PATH = /^[a-z_]+(?:\.[a-z_]+)*$/;

const atLeast = (minimum: number, value: number) => (Number.isFinite(value) ? Math.max(minimum, value) : minimum);

/** `fields` as sent: sections, then the extra paths, each once. Undefined names a bad path. */
export function requestedFields(sections: string[], fieldPaths: string): { fields: string[]; badPath?: string } {
	const paths = fieldPaths
		.split(',')
		.map((path) => path.trim())
		.filter(Boolean);
	const badPath = paths.find(
		(path) => !FIELD_PATH.test(path) || !(PERSON_DATA_SECTIONS as readonly string[]).includes(path.split('.')[0]),
	);
	return { fields: [...new Set([...sections, ...paths])], badPath };
}

const DEFAULT_CONTACT_FIELDS: ContactTier[] = ['business_emails'];

/**
 * Splits the requested fields into the profile's and the contact tiers: the Contact section
 * brings the tiers chosen in Contact Fields, a `contact.<tier>` path brings that tier. Contact
 * data is asked for apart from the profile, as accounts get it from different endpoints.
 */
export function splitContactFields(
	fields: string[],
	contactFields: string[],
): { fields: string[]; tiers: ContactTier[]; badPath?: string } {
	const isTier = (name: string): name is ContactTier => (CONTACT_TIERS as readonly string[]).includes(name);
	const tiers = new Set<ContactTier>();
	const profileFields: string[] = [];
	let badPath: string | undefined;
	for (const field of fields) {
		const [section, tier] = field.split('.');
		if (section !== CONTACT_SECTION) profileFields.push(field);
		else if (tier === undefined) contactFields.filter(isTier).forEach((chosen) => tiers.add(chosen));
		else if (isTier(tier)) tiers.add(tier);
		else badPath ??= field;
	}
	return { fields: profileFields, tiers: CONTACT_TIERS.filter((tier) => tiers.has(tier)), badPath };
}

/** Only the contact endpoint verifies emails, and contact batch jobs do not: batch runs read no Verified Emails Only. */
function contactSettings(tiers: ContactTier[], options: Pick<Options, 'verifiedEmailsOnly'>): ContactSettings | undefined {
	return tiers.length > 0 ? { tiers, verified: options.verifiedEmailsOnly ?? false } : undefined;
}

/**
 * Max Credits, 0 for no cap. It guards spending, so a value the node cannot read as a cap (an
 * expression that found nothing, a negative number) stops the run rather than lifting the cap.
 */
function readMaxCredits(node: INode, options: Options): number {
	if (!('maxCredits' in options)) return 0;
	const { maxCredits } = options;
	const cap = numberFrom(maxCredits);
	if (cap !== undefined && cap >= 0) return cap;
	const given =
		maxCredits === undefined || maxCredits === null || maxCredits === ''
			? 'It has no value'
			: `It is ${(typeof maxCredits === 'string' ? JSON.stringify(maxCredits) : String(maxCredits)).slice(0, 40)}`;
	throw new NodeOperationError(node, 'Max Credits must be a number, 0 or more', {
		description: `${given}: set it to 0 for no cap, or fix the expression that sets it`,
	});
}

/** Max Wait (Minutes) in milliseconds. It bounds a wait for paid jobs, so a value that is no wait at all stops the run. */
function readMaxWaitMs(node: INode, options: Options): number {
	const minutes = numberFrom(options.maxWaitMinutes ?? DEFAULT_MAX_WAIT_MINUTES);
	if (minutes !== undefined && minutes > 0) return minutes * 60_000;
	throw new NodeOperationError(node, 'Max Wait (Minutes) must be more than 0', {
		description: `Set how long the node waits for its batch jobs, e.g. ${DEFAULT_MAX_WAIT_MINUTES}; decimals such as 0.5 are allowed`,
	});
}

const DEFAULT_MAX_WAIT_MINUTES = 60;

export function readSettings(context: IExecuteFunctions): EnrichSettings {
	const node = context.getNode();
	const operation = context.getNodeParameter('operation', 0) as EnrichOperation;
	const batch = operation === 'enrichBatch';
	const identifierType: IdentifierType =
		operation === 'enrichLive' ? 'profileUrl' : (context.getNodeParameter('identifierType', 0) as IdentifierType);
	const options = context.getNodeParameter('options', 0, {}) as Options;
	const sections = context.getNodeParameter('fields', 0, []) as string[];

	const requested = requestedFields(sections, options.fieldPaths ?? '');
	if (requested.badPath) {
		throw new NodeOperationError(node, `"${requested.badPath}" is not a field path Crustdata knows`, {
			description: `Each path in Extra Field Paths must start with a section name (${PERSON_DATA_SECTIONS.join(', ')}), e.g. basic_profile.summary`,
		});
	}
	if (requested.fields.length === 0) {
		throw new NodeOperationError(node, 'No fields are selected', {
			description: 'Choose at least one section in Fields, or add a path in Extra Field Paths',
		});
	}
	// Contact in Extra Field Paths asks for the Contact Fields too, as the section does.
	const contactFields = requested.fields.includes(CONTACT_SECTION)
		? (context.getNodeParameter('contactFields', 0, DEFAULT_CONTACT_FIELDS) as string[])
		: [];
	const { fields, tiers, badPath } = splitContactFields(requested.fields, contactFields);
	if (badPath) {
		throw new NodeOperationError(node, `"${badPath}" is not contact data Crustdata knows`, {
			description: `Contact paths are ${CONTACT_TIERS.map((tier) => `${CONTACT_SECTION}.${tier}`).join(', ')}`,
		});
	}
	if (requested.fields.includes(CONTACT_SECTION) && tiers.length === 0) {
		throw new NodeOperationError(node, 'Contact is selected without any contact fields', {
			description: 'Choose at least one entry in Contact Fields, or remove Contact from Fields',
		});
	}

	if (!batch && options.preview && options.requireEmployerDomainMatch && identifierType === 'businessEmail') {
		throw new NodeOperationError(node, "Require Employer Domain Match can't be used with Preview", {
			description: "A preview returns basic fields only, without the employers' domains: turn off one of the two options",
		});
	}

	const settings: EnrichSettings = {
		operation,
		identifierType,
		fields,
		// A preview is free and gives basic fields only, so it fetches no contact data.
		contact: options.preview && !batch ? undefined : contactSettings(tiers, batch ? {} : options),
		// Batch jobs take no threshold and no preview, and give one match per identifier.
		minSimilarityScore:
			identifierType === 'businessEmail' && !batch ? (context.getNodeParameter('minSimilarityScore', 0, 0) as number) : 0,
		preview: !batch && (options.preview ?? false),
		onNoMatch: options.onNoMatch ?? 'emitItem',
		returnMatches: batch ? 'all' : (options.returnMatches ?? 'all'),
		requireEmployerDomainMatch: identifierType === 'businessEmail' && (options.requireEmployerDomainMatch ?? false),
		...readOutputSettings(context, options),
		batchSize: options.batchSize ?? MAX_BATCH_SIZE,
		// Expressions can give any number here; keep each within what the node can honour.
		pacing: {
			maxRequestsPerMinute: atLeast(0, options.maxRequestsPerMinute ?? 0),
			concurrency: Math.min(Math.floor(atLeast(0, options.concurrency ?? 0)), MAX_IN_FLIGHT),
			...readRetrySettings(options),
		},
		maxCredits: readMaxCredits(node, options),
		dryRun: options.dryRun ?? false,
		maxWaitMs: batch ? readMaxWaitMs(node, options) : DEFAULT_MAX_WAIT_MINUTES * 60_000,
	};
	return settings;
}

/**
 * The raw identifier of every input item; normalising and checking them is planning's job. An
 * expression that fails for one item (a broken `$('Sheet').item`, say) fails that input alone
 * when the node continues on error, and the node when it stops on errors.
 */
export function readIdentifiers(context: IExecuteFunctions, settings: EnrichSettings, continueOnFail: boolean): unknown[] {
	const [parameter, displayName] =
		settings.identifierType === 'businessEmail' ? ['businessEmail', 'Business Email'] : ['profileUrl', 'Profile URL'];
	return context.getInputData().map((_, itemIndex) => {
		try {
			return context.getNodeParameter(parameter, itemIndex, '');
		} catch (error) {
			if (!continueOnFail) throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
			const { message, description } = error as { message?: unknown; description?: unknown };
			return new UnreadableIdentifier({
				source: 'input',
				message: typeof message === 'string' && message ? message : `The expression in ${displayName} failed`,
				description: typeof description === 'string' && description ? description : `Fix the expression in ${displayName}`,
			});
		}
	});
}

/** What shapes the output items, whichever operation made them. */
export type OutputSettings = Pick<EnrichSettings, 'simplify' | 'includeInputFields' | 'includePersonData'>;

function readOutputSettings(context: IExecuteFunctions, options: Options): OutputSettings {
	return {
		simplify: options.simplify ?? false,
		includeInputFields: options.includeInputFields ?? false,
		includePersonData: context.getNodeParameter('includePersonData', 0, false) as boolean,
	};
}

/** How long a request may take and how often one that may pass is tried again, within what the node can honour. */
function readRetrySettings(options: Options): { timeoutMs: number; maxRetries: number } {
	return { maxRetries: atLeast(0, options.maxRetries ?? 4), timeoutMs: atLeast(1, options.timeout ?? 60) * 1000 };
}

/** Get Batch Results reads no fields or identifiers: only how to read the jobs and shape the items. */
export function readBatchResultsSettings(context: IExecuteFunctions): OutputSettings & { timeoutMs: number; maxRetries: number } {
	const options = context.getNodeParameter('options', 0, {}) as Options;
	return { ...readOutputSettings(context, options), ...readRetrySettings(options) };
}

/** Each input item's batch ID, trimmed; an expression that fails fails its item alone when the node continues on error. */
export function readBatchIds(context: IExecuteFunctions, continueOnFail: boolean): string[] {
	return context.getInputData().map((_, itemIndex) => {
		try {
			return String(context.getNodeParameter('batchId', itemIndex, '') ?? '').trim();
		} catch (error) {
			if (!continueOnFail) throw new NodeOperationError(context.getNode(), error as Error, { itemIndex });
			return '';
		}
	});
}
