/**
 * The page declares the daemon's JSON bodies itself (packages/web's
 * `api/views.ts`): the daemon depends on the web package for the page's
 * files, so the page cannot import the daemon's types without a cycle.
 * These checks keep the two declarations the same: the type check (`npm run
 * typecheck`) fails when one side changes a field the other does not, and
 * the test compares the event names the page listens to with the daemon's.
 */
import type * as Daemon from '@resource-discovery/daemon'
import { expect } from 'chai'
import * as Page from '../../packages/web/src/page/api/views.js'

/** `true` only if `A` and `B` are assignable both ways. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

/** Compiles only when every pair is the same type. */
const views: Record<string, true> = {
  ResourceView: true satisfies Same<Page.ResourceView, Daemon.ResourceView>,
  VerdictView: true satisfies Same<Page.VerdictView, Daemon.VerdictView>,
  KindView: true satisfies Same<Page.KindView, Daemon.KindView>,
  RegistryStatusView: true satisfies Same<Page.RegistryStatusView, Daemon.RegistryStatusView>,
  TrustView: true satisfies Same<Page.TrustView, Daemon.TrustView>,
  ErrorBody: true satisfies Same<Page.ErrorBody, Daemon.ErrorBody>,
  ProviderView: true satisfies Same<Page.ProviderView, Daemon.ProviderView>,
  ProvidersView: true satisfies Same<Page.ProvidersAnswer, Daemon.ProvidersView>,
  LatencyView: true satisfies Same<Page.LatencyView, Daemon.LatencyView>,
  SelectionChangeView: true satisfies Same<Page.SelectionChangeView, Daemon.SelectionChangeView>,
  ConnectionFailureView: true satisfies Same<Page.ConnectionFailureView, Daemon.ConnectionFailureView>,
  CustomServersChangeView: true satisfies Same<Page.CustomServersChangeView, Daemon.CustomServersChangeView>,
  DaemonEventName: true satisfies Same<Page.DaemonEventName, Daemon.DaemonEventName>
}

describe('web page: its declarations of the daemon API', () => {
  it('behavior: the page listens to every event the daemon sends', () => {
    const daemonEvents: Record<Daemon.DaemonEventName, true> = {
      'resource:discovered': true,
      'resource:verified': true,
      'resource:rejected': true,
      'resource:revoked': true,
      'resource:latency': true,
      'selection:changed': true,
      'connection:failed': true,
      'trust:changed': true,
      'custom-servers:changed': true
    }
    expect([...Page.DAEMON_EVENT_NAMES].sort()).to.deep.equal(Object.keys(daemonEvents).sort())
    expect(Object.values(views).every(Boolean)).to.equal(true)
  })
})
