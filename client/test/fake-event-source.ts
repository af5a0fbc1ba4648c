// A stand-in for the browser's EventSource (jsdom has none), reading job events from the fake
// API as a browser would read `text/event-stream`: events arrive asynchronously, in order, with
// their ids; after the server ends the stream the browser reconnects (with Last-Event-ID) unless
// the page closed the source, and `connections` counts that, so a test can see a page that never
// stops listening.
import { fakeApi, type FakeJobEvent } from './fake-api';

/** Reconnections after the end of a stream are capped, so a page that never closes cannot hang a test. */
const MAX_CONNECTIONS = 25;

export class FakeEventSource extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;

  /** Every source made since the last reset, for assertions. */
  static instances: FakeEventSource[] = [];
  static reset() {
    for (const source of FakeEventSource.instances) source.close();
    FakeEventSource.instances = [];
  }
  /** Sources the page has not closed. */
  static open(): FakeEventSource[] {
    return FakeEventSource.instances.filter((s) => s.readyState !== FakeEventSource.CLOSED);
  }

  readonly url: string;
  readonly withCredentials: boolean;
  readyState = FakeEventSource.CONNECTING;
  connections = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  private lastEventId = 0;
  private unsubscribe: (() => void) | null = null;

  constructor(url: string | URL, init?: EventSourceInit) {
    super();
    this.url = new URL(url, window.location.href).href;
    this.withCredentials = !!init?.withCredentials;
    FakeEventSource.instances.push(this);
    setTimeout(() => this.connect(), 0);
  }

  close() {
    this.readyState = FakeEventSource.CLOSED;
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** The connection drops mid-stream (a proxy timeout, a server restart): the browser reconnects. */
  drop() {
    if (this.readyState === FakeEventSource.CLOSED) return;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.readyState = FakeEventSource.CONNECTING;
    this.fire(new Event('error'));
    setTimeout(() => this.connect(), 0);
  }

  private connect() {
    if (this.readyState === FakeEventSource.CLOSED) return;
    if (++this.connections > MAX_CONNECTIONS) {
      this.readyState = FakeEventSource.CLOSED;
      return;
    }
    const unsubscribe = fakeApi.openEventStream(this.url, this.lastEventId, (event) => this.receive(event));
    if (!unsubscribe) {
      // Not an event stream (404, 401): the browser fails the connection for good.
      this.readyState = FakeEventSource.CLOSED;
      this.fire(new Event('error'));
      return;
    }
    this.unsubscribe = unsubscribe;
    this.readyState = FakeEventSource.OPEN;
    this.fire(new Event('open'));
  }

  private receive(event: FakeJobEvent | null) {
    // Delivered as a network read would be: later, one at a time, in order.
    setTimeout(() => {
      if (this.readyState !== FakeEventSource.OPEN) return;
      if (event === null) {
        // The server ended the stream: the browser reports an error and reconnects.
        this.unsubscribe?.();
        this.unsubscribe = null;
        this.readyState = FakeEventSource.CONNECTING;
        this.fire(new Event('error'));
        setTimeout(() => this.connect(), 0);
        return;
      }
      this.lastEventId = event.id;
      this.fire(new MessageEvent(event.name, { data: JSON.stringify(event.data), lastEventId: String(event.id) }));
    }, 0);
  }

  private fire(event: Event) {
    this.dispatchEvent(event);
    if (event.type === 'open') this.onopen?.(event);
    if (event.type === 'error') this.onerror?.(event);
    if (event.type === 'message') this.onmessage?.(event as MessageEvent);
  }
}
