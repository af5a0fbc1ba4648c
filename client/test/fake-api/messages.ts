// The server's own words (test/server-messages.json, where each lives: test/server-messages.md),
// and the problem-details answers the fake builds from them.
import { HttpResponse } from 'msw';
import messages from '../server-messages.json';

export type MessageKey = keyof typeof messages;

/** The server's message, with `{0}`, `{1}`… of a template filled in. */
export function message(key: MessageKey, ...values: string[]): string {
  return messages[key].replace(/\{(\d+)\}/g, (_, i: string) => values[Number(i)] ?? '');
}

const PROBLEM = { 'Content-Type': 'application/problem+json' };

/** An RFC 9457 problem, as the server's ApiProblem answers. */
export function problem(status: number, detail: string) {
  return HttpResponse.json({ title: 'Error', status, detail }, { status, headers: PROBLEM });
}

/** A 400 for one field (ApiProblem.Invalid): the message is the detail and `errors[field]`. */
export function invalid(field: string, detail: string) {
  return HttpResponse.json({ title: 'Error', status: 400, detail, errors: { [field]: [detail] } }, { status: 400, headers: PROBLEM });
}

/** 401 and 403 come from the server's cookie handler: a status and no body. */
export const unauthorized = () => new HttpResponse(null, { status: 401 });
export const forbidden = () => new HttpResponse(null, { status: 403 });
