/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.discovery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.Response;
import io.etcd.jetcd.watch.WatchResponse;
import io.etcddiscovery.discovery.InstanceTable.KeyChange;
import io.etcddiscovery.discovery.NamespaceListing.Listing;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.Durations;
import io.etcddiscovery.etcd.EtcdErrors;
import io.etcddiscovery.etcd.SerialExecutor;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * Keeps a {@link ServiceCache} in step with etcd: one {@link NamespaceListing} of the
 * prefix, then one {@link NamespaceWatch} from the listing's revision, and a new listing
 * whenever the watch ends (compaction past its revision, lost leader, cancellation) or
 * answers from an older history than the cache has seen (etcd wiped or restored), with
 * backoff, forever. jetcd resumes a watch by itself after a stream error. Every method
 * runs on the cache's {@link SerialExecutor}.
 *
 * @author etcd-discovery authors
 */
final class NamespaceSync implements NamespaceWatch.Events {

	private static final Log logger = LogFactory.getLog(NamespaceSync.class);

	private final ServiceCache cache;

	private final Client client;

	private final String prefix;

	private final NamespaceListing listing;

	private final Backoff backoff;

	private final Clock clock;

	private final SerialExecutor executor;

	private final InstanceTable table;

	private @Nullable NamespaceWatch watch;

	private @Nullable ScheduledFuture<?> pendingListing;

	private @Nullable ScheduledFuture<?> pendingExpiry;

	private @Nullable Instant expiryAt;

	private long raftTerm;

	private long clusterId;

	// Watches that ended or went back in time before being established in a row.
	private int unstableWatches;

	// What stats() shows, published whole by report().

	private boolean connected;

	private boolean synced;

	private long revision;

	private @Nullable Instant lastListedAt;

	private @Nullable Instant lastEventAt;

	private @Nullable Instant disconnectedSince;

	private long listings;

	private long valuesSkipped;

	private @Nullable SkippedValue lastSkipped;

	private int failures;

	private @Nullable String lastError;

	// The layout of another registry this sync reads, or null for this library's own.
	private final @Nullable String layout;

	NamespaceSync(ServiceCache cache, Client client, NamespaceListing listing, Backoff backoff, Clock clock,
			SerialExecutor executor, RemovalProtection protection) {
		this(cache, client, listing, new ServiceInstanceReader(listing.prefix()), null, backoff, clock, executor,
				protection);
	}

	/**
	 * Create a sync of one prefix.
	 * @param cache the cache
	 * @param client the etcd client
	 * @param listing the listing of the prefix
	 * @param reader reads what is listed and watched
	 * @param layout the layout of another registry, or {@code null} for this library's
	 * own: only the own sync reports the cache's progress and its protection
	 * @param backoff the delays between attempts to list etcd
	 * @param clock the clock
	 * @param executor the cache's executor
	 * @param protection the protection against mass removal
	 */
	NamespaceSync(ServiceCache cache, Client client, NamespaceListing listing, InstanceReader reader,
			@Nullable String layout, Backoff backoff, Clock clock, SerialExecutor executor,
			RemovalProtection protection) {
		this.cache = cache;
		this.client = client;
		this.prefix = listing.prefix();
		this.listing = listing;
		this.backoff = backoff;
		this.clock = clock;
		this.executor = executor;
		this.layout = layout;
		this.table = new InstanceTable(reader, this::skipped, new HeldInstances(protection, clock));
	}

	/**
	 * Return the instances this sync read.
	 * @return the table
	 */
	InstanceTable table() {
		return this.table;
	}

	/**
	 * List etcd again on request.
	 */
	void resync() {
		logger.info("Re-listing %s on request".formatted(this.prefix));
		this.unstableWatches = 0;
		list();
	}

	void list() {
		this.pendingListing = null;
		if (this.cache.isStopping()) {
			return;
		}
		stopWatching();
		Listing listed;
		try {
			listed = this.listing.fetch();
		}
		catch (RuntimeException ex) {
			if (this.cache.isStopping()) {
				return;
			}
			this.failures++;
			this.lastError = ex.getMessage();
			this.synced = false;
			Duration delay = this.backoff.delay(this.failures);
			String message = "Could not list %s (%s): lookups answer from the cache, retrying in %s, with backoff"
				.formatted(this.prefix, ex.getMessage(), Durations.format(delay));
			if (this.failures == 1) {
				logger.warn(message);
			}
			else if (logger.isDebugEnabled()) {
				logger.debug(message + " (attempt " + this.failures + ")");
			}
			report();
			scheduleListing(delay);
			return;
		}
		Response.Header header = listed.header();
		long listedRevision = (header != null) ? header.getRevision() : 0;
		boolean first = this.listings == 0;
		if (!first && header != null && isBehind(header)) {
			// A watch that ended with the connection (etcd killed and wiped) re-lists
			// without seeing the new history: the listing tells it.
			logger.warn(("History of etcd went back (revision %d in raft term %d after revision %d in raft term %d): "
					+ "etcd was wiped or restored from a backup, or a lagging member answered. The listing of %s "
					+ "replaces what the cache held")
				.formatted(header.getRevision(), header.getRaftTerm(), this.revision, this.raftTerm, this.prefix));
		}
		Set<String> changed = this.table.replace(listed.kvs(), listedRevision);
		this.revision = listedRevision;
		this.raftTerm = (header != null) ? header.getRaftTerm() : 0;
		this.clusterId = (header != null) ? header.getClusterId() : 0;
		this.lastListedAt = this.clock.instant();
		this.listings++;
		int failed = this.failures;
		this.failures = 0;
		this.lastError = null;
		long from = this.revision + 1;
		boolean watching = true;
		try {
			this.watch = NamespaceWatch.start(this.client, this.prefix, from, this.executor, this);
		}
		catch (RuntimeException ex) {
			// Only when the client is closed: nothing left to do.
			logger.debug("Could not watch %s: %s".formatted(this.prefix, EtcdErrors.describe(ex)));
			watching = false;
		}
		this.synced = watching;
		report();
		publish(changed);
		if (watching) {
			int instances = this.table.size();
			int services = this.table.serviceCount();
			logger.info("%s %s%s: %d instance%s of %d service%s at revision %d%s; watching from revision %d".formatted(
					first ? "Listed" : "Re-listed", this.prefix,
					(this.layout != null) ? " (" + this.layout + " layout)" : "", instances,
					(instances != 1) ? "s" : "", services, (services != 1) ? "s" : "", this.revision,
					(failed > 0) ? " after " + failed + " failed attempt" + ((failed > 1) ? "s" : "") : "", from));
		}
	}

	@Override
	public void received(NamespaceWatch from, WatchResponse response) {
		if (from != this.watch) {
			return;
		}
		Response.Header header = response.getHeader();
		if (isBehind(header)) {
			logger.warn(("History of etcd went back (revision %d in raft term %d after revision %d in raft term %d): "
					+ "etcd was wiped or restored from a backup, or a lagging member answered. Re-listing %s")
				.formatted(header.getRevision(), header.getRaftTerm(), this.revision, this.raftTerm, this.prefix));
			relistAfterUnstableWatch();
			return;
		}
		this.revision = Math.max(this.revision, header.getRevision());
		this.raftTerm = Math.max(this.raftTerm, header.getRaftTerm());
		if (response.isCreatedNotify()) {
			watchEstablished(from, header.getRevision());
			return;
		}
		apply(NamespaceWatch.changes(response.getEvents()));
	}

	private void apply(List<KeyChange> events) {
		if (events.isEmpty()) {
			report();
			return;
		}
		long applied = this.table.eventsApplied();
		Set<String> changed = this.table.apply(events);
		if (this.table.eventsApplied() != applied) {
			this.lastEventAt = this.clock.instant();
		}
		report();
		publish(changed);
	}

	private void publish(Set<String> changed) {
		HeldInstances held = this.table.held();
		if (this.layout == null) {
			this.cache.protection(held.stats());
		}
		scheduleExpiry(held.nextDeadline());
		this.cache.publish(this, changed);
	}

	private void scheduleExpiry(@Nullable Instant at) {
		if (at == null || at.equals(this.expiryAt) || this.cache.isStopping()) {
			return;
		}
		ScheduledFuture<?> pending = this.pendingExpiry;
		if (pending != null) {
			pending.cancel(false);
		}
		this.expiryAt = at;
		Duration delay = Duration.between(this.clock.instant(), at);
		try {
			this.pendingExpiry = this.executor.schedule(this::expireHolds, delay.isNegative() ? Duration.ZERO : delay);
		}
		catch (RejectedExecutionException ex) {
			// Stopping.
		}
	}

	private void expireHolds() {
		this.pendingExpiry = null;
		this.expiryAt = null;
		if (!this.cache.isStopping()) {
			publish(this.table.expireHolds());
		}
	}

	private boolean isBehind(Response.Header header) {
		// Revisions and raft terms never go back in one etcd cluster's life.
		return header.getRevision() < this.revision || header.getRaftTerm() < this.raftTerm
				|| (this.clusterId != 0 && header.getClusterId() != 0 && header.getClusterId() != this.clusterId);
	}

	private void watchEstablished(NamespaceWatch established, long atRevision) {
		boolean resumed = established.established();
		this.unstableWatches = 0;
		if (!this.connected) {
			this.connected = true;
			this.disconnectedSince = null;
			if (resumed) {
				logger.info("Watch of %s resumed at revision %d".formatted(this.prefix, atRevision));
			}
		}
		report();
	}

	@Override
	public void failed(NamespaceWatch from, Throwable error) {
		if (from != this.watch) {
			return;
		}
		from.failed(error);
		this.lastError = EtcdErrors.describe(error);
		if (this.connected) {
			this.connected = false;
			this.disconnectedSince = this.clock.instant();
			if (EtcdErrors.isWatchResumedByJetcd(error)) {
				logger.info("Watch of %s interrupted (%s): resuming it, lookups answer from the cache meanwhile"
					.formatted(this.prefix, EtcdErrors.describe(error)));
			}
		}
		report();
	}

	@Override
	public void completed(NamespaceWatch from) {
		if (from != this.watch) {
			return;
		}
		this.watch = null;
		this.synced = false;
		if (this.connected) {
			this.connected = false;
			this.disconnectedSince = this.clock.instant();
		}
		String reason = from.endReason();
		report();
		if (from.isEstablished()) {
			logger.info("Watch of %s ended (%s): re-listing".formatted(this.prefix, reason));
			this.unstableWatches = 0;
			list();
		}
		else {
			this.unstableWatches++;
			Duration delay = this.backoff.delay(this.unstableWatches);
			String message = "Watch of %s ended before it was established (%s): re-listing in %s".formatted(this.prefix,
					reason, Durations.format(delay));
			if (this.unstableWatches == 1) {
				logger.warn(message);
			}
			else {
				logger.debug(message);
			}
			scheduleListing(delay);
		}
	}

	private void relistAfterUnstableWatch() {
		stopWatching();
		this.synced = false;
		this.unstableWatches++;
		report();
		if (this.unstableWatches == 1) {
			list();
		}
		else {
			scheduleListing(this.backoff.delay(this.unstableWatches - 1));
		}
	}

	private void scheduleListing(Duration delay) {
		cancelPendingListing();
		if (!this.cache.isStopping()) {
			try {
				this.pendingListing = this.executor.schedule(this::list, delay);
			}
			catch (RejectedExecutionException ex) {
				// Stopping.
			}
		}
	}

	private void cancelPendingListing() {
		ScheduledFuture<?> pending = this.pendingListing;
		if (pending != null) {
			pending.cancel(false);
			this.pendingListing = null;
		}
	}

	/**
	 * Stop watching and listing.
	 */
	void stopWatching() {
		cancelPendingListing();
		ScheduledFuture<?> expiry = this.pendingExpiry;
		if (expiry != null) {
			expiry.cancel(false);
			this.pendingExpiry = null;
			this.expiryAt = null;
		}
		NamespaceWatch current = this.watch;
		this.watch = null;
		if (current != null) {
			current.close();
		}
		this.connected = false;
	}

	private void skipped(String key, long modRevision, String reason) {
		SkippedValue skipped = new SkippedValue(SkippedValue.printable(key), modRevision, reason, this.clock.instant());
		this.lastSkipped = skipped;
		this.valuesSkipped++;
		String message = "Skipping %s at revision %d: %s; the other instances stay usable".formatted(skipped.key(),
				modRevision, reason);
		if (this.layout == null) {
			logger.warn(message);
		}
		else if (logger.isDebugEnabled()) {
			// Another registry's tree: its values are its framework's business, not this
			// application's, so one it cannot use is not worth a warning here.
			logger.debug(message + " (" + this.layout + " layout)");
		}
	}

	private void report() {
		if (this.layout != null) {
			// The cache's progress is its own namespace's; a layout's sync logs its own.
			return;
		}
		this.cache.progress(new CacheProgress(this.connected, this.synced, this.revision, this.lastListedAt,
				this.lastEventAt, this.disconnectedSince, this.table.eventsApplied(), this.listings, this.valuesSkipped,
				this.table.invalidKeys(), this.lastSkipped, this.failures, this.lastError));
	}

}
