// A batch job's records joined to the identifiers it was sent: each record as the entry a synchronous answer gives. Pure.
import { onlyFields } from '../planning/fieldPaths';
import { profileRequestFields } from '../planning/requestFields';
import { MATCH_TYPE, normaliserFor } from '../planning/requestPlanning';
import { isRecord, type ApiEntry, type EnrichSettings } from '../types';
import { PERSON_DATA_SECTIONS } from '../vocabulary';

/**
 * Records come as `{ original_identifier, internal_id, data }`, one an identifier, with no
 * confidence score: a profile URL names its person, an email's match is unscored. An identifier
 * without a record matched nobody or was redacted, which the results do not tell apart.
 */
export class JobRecords {
	private readonly entries = new Map<string, ApiEntry>();

	private readonly sent: ReadonlySet<string>;

	private readonly normalise: ReturnType<typeof normaliserFor>;

	private readonly fields: string[];

	/** `fields`: what the job asked for, which its records are cut back to. */
	constructor(
		private readonly identifiers: string[],
		private readonly settings: EnrichSettings,
		fields = profileRequestFields(settings),
	) {
		this.sent = new Set(identifiers);
		this.normalise = normaliserFor(settings.identifierType);
		this.fields = fields;
	}

	/** Takes one record; a malformed one, or one for an identifier this job was not sent, is left out. */
	add(record: unknown): void {
		if (!isRecord(record) || typeof record.original_identifier !== 'string' || !isRecord(record.data)) return;
		const normalised = this.normalise(record.original_identifier);
		if (!('identifier' in normalised) || !this.sent.has(normalised.identifier) || this.entries.has(normalised.identifier)) return;
		const byEmail = this.settings.identifierType === 'businessEmail';
		this.entries.set(normalised.identifier, {
			matched_on: normalised.identifier,
			match_type: MATCH_TYPE[this.settings.identifierType],
			match_status: 'matched',
			matches: [{ confidence_score: byEmail ? null : 1, person_data: onlyFields(record.data, this.fields, PERSON_DATA_SECTIONS) }],
		});
	}

	/** An entry for every identifier of the job: its record's, or a no-match. */
	all(): ApiEntry[] {
		const matchType = MATCH_TYPE[this.settings.identifierType];
		return this.identifiers.map(
			(identifier) => this.entries.get(identifier) ?? { matched_on: identifier, match_type: matchType, match_status: 'not_found', matches: [] },
		);
	}
}
