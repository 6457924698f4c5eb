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

package io.etcddiscovery.registration;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.etcddiscovery.registration.RegistrationStore.LeaseListener;
import org.jspecify.annotations.Nullable;

/**
 * Grants the leases of one registrar and keeps them alive: each renewal is recorded (how
 * long the lease has left bounds the calls made for it), and what happens to a lease is
 * handed to the registrar's executor, never reported on the store's threads.
 * <p>
 * A lease whose renewals stop coming within its TTL has <em>lapsed</em>: etcd may have
 * ended it, or may only be slow to answer or out of reach. The keeper keeps renewing it,
 * and reports it lost only once etcd says it ended. A lapse is not a loss: an etcd that
 * answers late (a burst of registrations, a slow disk) keeps the lease, and treating a
 * late reply as a loss would grant a new lease and write the key again for every
 * registration at once, the load that made the replies late.
 *
 * @author etcd-discovery authors
 */
final class LeaseKeeper {

	// A call for a lease that has (almost) run out still gets this long to find out.
	static final long MIN_CALL_TIMEOUT_MILLIS = 100;

	private final RegistrationStore store;

	private final Duration ttl;

	private final Clock clock;

	private final Executor executor;

	private final Events events;

	private volatile @Nullable Instant lastRenewal;

	/**
	 * Create a new keeper.
	 * @param store where leases are granted
	 * @param ttl the TTL to request
	 * @param clock the clock of renewal times
	 * @param executor where what happens to a lease is reported
	 * @param events told what happens to a lease while it is kept
	 */
	LeaseKeeper(RegistrationStore store, Duration ttl, Clock clock, Executor executor, Events events) {
		this.store = store;
		this.ttl = ttl;
		this.clock = clock;
		this.executor = executor;
		this.events = events;
	}

	/**
	 * Grant a lease and start keeping it alive.
	 * @return the lease, once granted
	 */
	CompletableFuture<Lease> grant() {
		return this.store.grantAsync(this.ttl).thenApply((granted) -> {
			Lease lease = new Lease(granted.id(), granted.ttlSeconds());
			lease.renewed(granted.ttlSeconds());
			lease.startKeepAlive();
			return lease;
		});
	}

	/**
	 * Return when the store last renewed a lease of this keeper.
	 * @return the time, or {@code null} before the first lease
	 */
	@Nullable Instant lastRenewal() {
		return this.lastRenewal;
	}

	private void renewed() {
		this.lastRenewal = this.clock.instant();
	}

	Duration ttl() {
		return this.ttl;
	}

	/**
	 * Return how long a call made for a lease may wait: the request timeout, or what the
	 * lease has left if that is less (at least {@value #MIN_CALL_TIMEOUT_MILLIS}ms, to
	 * find out).
	 * @param lease the lease, or {@code null} when there is none
	 * @param requestTimeout the request timeout
	 * @return the timeout of the call
	 */
	static Duration callTimeout(@Nullable Lease lease, Duration requestTimeout) {
		if (lease == null) {
			return requestTimeout;
		}
		long left = Math.max(MIN_CALL_TIMEOUT_MILLIS, lease.millisLeft());
		return (left < requestTimeout.toMillis()) ? Duration.ofMillis(left) : requestTimeout;
	}

	/**
	 * A lease this process holds and keeps alive.
	 */
	final class Lease {

		private final long id;

		private final long ttlSeconds;

		// The keep-alive whose callbacks count; one it replaced says nothing any more.
		private volatile @Nullable KeepAlive keepAlive;

		private volatile boolean closed;

		// Set, on the executor, when no renewal came within the TTL; cleared by the
		// first renewal after that, on the store's threads.
		private final AtomicBoolean inLapse = new AtomicBoolean();

		// When the store last renewed the lease (System.nanoTime()) and for how long.
		private volatile long renewedAt;

		private volatile long renewedForMillis;

		Lease(long id, long ttlSeconds) {
			this.id = id;
			this.ttlSeconds = ttlSeconds;
		}

		long id() {
			return this.id;
		}

		long ttlSeconds() {
			return this.ttlSeconds;
		}

		/**
		 * Return how long the lease has left since its last renewal.
		 * @return the milliseconds left, 0 or less once it has run out
		 */
		long millisLeft() {
			return this.renewedForMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - this.renewedAt);
		}

		/**
		 * Keep the lease alive on a new keep-alive, after etcd confirmed that the lease
		 * is alive (a key was put with it). The store's keep-alive drops a lease for good
		 * once no reply came within its TTL, measured from the last reply this process
		 * saw: after etcd was unreachable or restarted for about a TTL, it would drop a
		 * lease that etcd kept (a restarted etcd extends every lease), a moment after the
		 * registration was confirmed with it. A new keep-alive starts with a renewal at
		 * once and a deadline of its own.
		 */
		void resumeKeepAlive() {
			if (!this.closed) {
				this.inLapse.set(false);
				startKeepAlive();
			}
		}

		/*
		 * Start a new keep-alive, closing the current one first, if any: jetcd keeps one
		 * entry per lease, and closing the last handle of an entry it already dropped (at
		 * its deadline) removes whichever entry the lease has then, the new one included.
		 */
		private void startKeepAlive() {
			KeepAlive replaced = this.keepAlive;
			if (replaced != null) {
				replaced.close();
			}
			KeepAlive started = new KeepAlive(this);
			this.keepAlive = started;
			started.start();
		}

		private void renewed(long ttlSeconds) {
			if (!this.closed) {
				this.renewedAt = System.nanoTime();
				this.renewedForMillis = TimeUnit.SECONDS.toMillis(ttlSeconds);
				LeaseKeeper.this.renewed();
				if (this.inLapse.compareAndSet(true, false)) {
					report(() -> LeaseKeeper.this.events.renewedAfterLapse(this));
				}
			}
		}

		/*
		 * No renewal within the TTL: keep renewing on a new keep-alive (the store dropped
		 * the lapsed one), which renews the lease if etcd still has it and hears that it
		 * ended otherwise; tell the registrar once per lapse.
		 */
		private void lapsed(KeepAlive lapsed) {
			if (this.closed || this.keepAlive != lapsed) {
				return;
			}
			report(() -> {
				if (!this.closed && this.keepAlive == lapsed) {
					boolean first = this.inLapse.compareAndSet(false, true);
					startKeepAlive();
					if (first) {
						LeaseKeeper.this.events.lapsed(this);
					}
				}
			});
		}

		private void ended(KeepAlive ended, String reason) {
			if (this.closed || this.keepAlive != ended) {
				return;
			}
			report(() -> {
				// Replaced meanwhile by a keep-alive that etcd's confirmation started.
				if (!this.closed && this.keepAlive == ended) {
					LeaseKeeper.this.events.lost(this, reason);
				}
			});
		}

		private void report(Runnable event) {
			try {
				LeaseKeeper.this.executor.execute(event);
			}
			catch (RejectedExecutionException ex) {
				// Stopped: nothing to do any more.
			}
		}

		/**
		 * Stop keeping the lease alive, without revoking it.
		 */
		void close() {
			this.closed = true;
			KeepAlive current = this.keepAlive;
			if (current != null) {
				current.close();
			}
		}

	}

	/**
	 * One keep-alive of a lease in the store: its callbacks count while it is the lease's
	 * current one.
	 */
	private final class KeepAlive implements LeaseListener {

		private final Lease lease;

		private volatile @Nullable AutoCloseable handle;

		private volatile boolean closed;

		KeepAlive(Lease lease) {
			this.lease = lease;
		}

		void start() {
			this.handle = LeaseKeeper.this.store.keepAlive(this.lease.id(), this);
			if (this.closed) {
				close();
			}
		}

		@Override
		public void renewed(long ttlSeconds) {
			if (!this.closed) {
				this.lease.renewed(ttlSeconds);
			}
		}

		@Override
		public void lapsed() {
			if (!this.closed) {
				this.lease.lapsed(this);
			}
		}

		@Override
		public void ended(String reason) {
			if (!this.closed) {
				this.lease.ended(this, reason);
			}
		}

		void close() {
			this.closed = true;
			AutoCloseable current = this.handle;
			if (current != null) {
				try {
					current.close();
				}
				catch (Exception ex) {
					// Closing the keep-alive of one lease does not fail in jetcd.
				}
			}
		}

	}

	/**
	 * Told, on the registrar's executor, what happens to a lease while it is kept alive.
	 */
	interface Events {

		/**
		 * No renewal came within the lease's TTL; the keeper keeps renewing it. Told once
		 * per lapse.
		 * @param lease the lease
		 */
		void lapsed(Lease lease);

		/**
		 * etcd renewed a lease that had lapsed: it still has the lease.
		 * @param lease the lease
		 */
		void renewedAfterLapse(Lease lease);

		/**
		 * etcd says the lease ended (expired or revoked).
		 * @param lease the lease
		 * @param reason why, in a few words
		 */
		void lost(Lease lease, String reason);

	}

}
