// Field paths as Crustdata names them: sections (`contact`) and dot-paths inside them (`contact.business_emails`). Pure.
import type { IDataObject } from 'n8n-workflow';

import { isRecord } from '../types';

/** Whether `field` is `section` or a path inside it. */
export const within = (field: string, section: string) => field === section || field.startsWith(`${section}.`);

/**
 * The requested fields the account is denied; a denied section denies every path inside it. A
 * whole section whose listing denies only a path inside it is let through: the account may just
 * leave that part out, and if Crustdata refuses instead, its 403 stops the run at the first request.
 */
export function deniedFields(requested: string[], disabled: string[]): string[] {
	return requested.filter((field) => disabled.some((listed) => within(field, listed)));
}

/** Whether the account's listing gives it `field`: the field itself, a section holding it, or paths inside it. */
export function listsField(enabled: string[], field: string): boolean {
	return enabled.some((listed) => within(field, listed) || within(listed, field));
}

/** Whether `fields` already ask for `path`: it is one of them or lies inside one. */
export const asksFor = (fields: string[], path: string) => fields.some((field) => within(path, field));

const isEmptyRecord = (value: unknown) => isRecord(value) && Object.keys(value).length === 0;

/**
 * `data` without the value at `path` (in every element of a list on the way, as a path into a
 * list names a field of each), and without the objects and lists that held only it, unless a
 * `kept` field lies under them: a field the node asked for itself leaves no trace in what the
 * user gets.
 */
export function withoutPath(data: IDataObject, path: string, kept: string[] = [], prefix = ''): IDataObject {
	const [key, ...rest] = path.split('.');
	if (!(key in data)) return data;
	const here = prefix ? `${prefix}.${key}` : key;
	const { [key]: value, ...others } = data;
	if (rest.length === 0) return others;
	// A level that a kept field lies under stays, empty or not: the user asked for it.
	const keptHere = kept.some((field) => within(field, here));
	const inner = (element: unknown) => (isRecord(element) ? withoutPath(element, rest.join('.'), kept, here) : element);
	if (Array.isArray(value)) {
		const elements = value.map(inner);
		// An empty list on the way held nothing but the field either.
		return !keptHere && elements.every(isEmptyRecord) ? others : { ...others, [key]: elements };
	}
	if (!isRecord(value)) return data;
	const remaining = inner(value) as IDataObject;
	return !keptHere && isEmptyRecord(remaining) ? others : { ...others, [key]: remaining };
}

/** `value` with only what the relative `paths` name ('' names it whole), in every element of a list on the way. */
function picked(value: unknown, paths: string[]): unknown {
	if (paths.includes('')) return value;
	if (Array.isArray(value)) return value.map((element) => picked(element, paths));
	if (!isRecord(value)) return value;
	const kept: IDataObject = {};
	for (const [key, inner] of Object.entries(value)) {
		const under = paths.filter((path) => within(path, key)).map((path) => path.slice(key.length + 1));
		if (under.length > 0) kept[key] = picked(inner, under) as IDataObject;
	}
	return kept;
}

/**
 * `data` with only the `sections` that `fields` ask for, whole or by the paths inside them;
 * keys that are no section (`crustdata_person_id`) stay. For answers that carry sections nobody
 * asked for, as batch jobs always add Basic Profile and Social Handles.
 */
export function onlyFields(data: IDataObject, fields: string[], sections: readonly string[]): IDataObject {
	const kept: IDataObject = {};
	for (const [key, value] of Object.entries(data)) {
		const under = fields.filter((field) => within(field, key)).map((field) => field.slice(key.length + 1));
		if (!sections.includes(key)) kept[key] = value;
		else if (under.length > 0) kept[key] = picked(value, under) as IDataObject;
	}
	return kept;
}
