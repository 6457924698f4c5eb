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

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.etcddiscovery.etcd.Durations;
import io.etcddiscovery.etcd.EtcdCalls;
import io.etcddiscovery.etcd.SerialExecutor;
import io.etcddiscovery.registration.LeaseKeeper.Lease;
import org.jspecify.annotations.Nullable;

/**
 * Withdraws a registration from etcd: takes the key away from clients (only if it is
 * still this process's), lets watchers and load balancers notice for the drain delay (a
 * timer, no thread waits), then revokes the lease and stops keeping it alive. It holds no
 * state: the registrar hands it what it held and is told what was done, as an
 * {@link Outcome}.
 * <p>
 * An UP instance is taken away by moving its key to its parked key with a status saying
 * it is out of service, in one transaction: Go clients see its instance key deleted, and
 * Spring clients see it leave by itself, never vanish, so that their protection against
 * mass removal never holds an instance that shut down. The lease's revocation removes the
 * parked key. A key that is already parked, or that cannot be moved, is deleted.
 * <p>
 * No thread waits for etcd: the store makes each call without waiting, and bounds how
 * many of them a process has in flight when it withdraws thousands of registrations at
 * once.
 *
 * @author etcd-discovery authors
 */
final class Withdrawal {

	private final RegistrationStore store;

	private final SerialExecutor executor;

	/**
	 * Create a new withdrawal.
	 * @param store where the key and the lease are
	 * @param executor the registrar's executor, whose timer measures the drain delay
	 */
	Withdrawal(RegistrationStore store, SerialExecutor executor) {
		this.store = store;
		this.executor = executor;
	}

	/**
	 * Withdraw a registration, within one task of the registrar's executor that holds it
	 * until the lease is released: no thread waits for etcd nor for the drain delay.
	 * @param key the key, or {@code null} when there is none
	 * @param createRevision the key's create revision, 0 when this process holds no key
	 * @param lease the lease, or {@code null} when there is none
	 * @param drainDelay how long to wait between deleting the key and revoking the lease
	 * @return what was done, once the lease is released
	 */
	CompletableFuture<Outcome> withdraw(@Nullable String key, long createRevision, @Nullable Lease lease,
			Duration drainDelay) {
		return withdraw(key, createRevision, lease, drainDelay, null);
	}

	/**
	 * Withdraw a registration, moving its key to its parked key first when one is given.
	 * @param key the key, or {@code null} when there is none
	 * @param createRevision the key's create revision, 0 when this process holds no key
	 * @param lease the lease, or {@code null} when there is none
	 * @param drainDelay how long to wait between taking the key away and revoking the
	 * lease
	 * @param parking where to move the key and with which value, or {@code null} to
	 * delete it
	 * @return what was done, once the lease is released
	 */
	CompletableFuture<Outcome> withdraw(@Nullable String key, long createRevision, @Nullable Lease lease,
			Duration drainDelay, @Nullable Parking parking) {
		CompletableFuture<@Nullable Outcome> parked = (parking != null && lease != null && createRevision != 0
				&& key != null) ? park(key, createRevision, lease, parking) : CompletableFuture.completedFuture(null);
		// Not parked: the key is no longer this process's, or the parked key exists;
		// deleting sorts out which.
		return parked
			.thenCompose((outcome) -> (outcome != null) ? CompletableFuture.completedFuture(outcome)
					: delete(key, createRevision, lease))
			.thenCompose((outcome) -> (outcome.key() == KeyOutcome.PARKED || outcome.key() == KeyOutcome.DELETED)
					? drain(outcome, drainDelay) : CompletableFuture.completedFuture(outcome))
			.thenCompose((outcome) -> release(lease, outcome));
	}

	private CompletableFuture<@Nullable Outcome> park(String key, long createRevision, Lease lease, Parking parking) {
		return this.store
			.moveAsync(key, parking.key(), parking.value(), lease.id(), createRevision, this.store.getRequestTimeout())
			.handle((moved, failure) -> {
				if (failure != null) {
					// etcd did not answer in time or refused: deleting would wait as long
					// again, and the lease expires within its TTL anyway.
					return Outcome.of(KeyOutcome.NOT_DELETED, EtcdCalls.unwrap(failure).getMessage());
				}
				return (moved != null) ? new Outcome(KeyOutcome.PARKED, null, parking.key(), Duration.ZERO, null)
						: null;
			});
	}

	private CompletableFuture<Outcome> delete(@Nullable String key, long createRevision, @Nullable Lease lease) {
		if (lease == null || createRevision == 0 || key == null) {
			return CompletableFuture.completedFuture(Outcome.of(KeyOutcome.NO_KEY, null));
		}
		return this.store.withdrawAsync(key, createRevision, this.store.getRequestTimeout())
			.handle((withdrawn, failure) -> (failure != null)
					? Outcome.of(KeyOutcome.NOT_DELETED, EtcdCalls.unwrap(failure).getMessage())
					: Outcome.of(withdrawn ? KeyOutcome.DELETED : KeyOutcome.ALREADY_GONE, null));
	}

	private CompletableFuture<Outcome> drain(Outcome outcome, Duration drainDelay) {
		if (drainDelay.toMillis() <= 0) {
			return CompletableFuture.completedFuture(outcome);
		}
		// Watchers and load balancers notice meanwhile: no thread waits for them.
		Outcome drained = outcome.drained(drainDelay);
		return this.executor.after(drainDelay).handle((passed, failure) -> drained);
	}

	private CompletableFuture<Outcome> release(@Nullable Lease lease, Outcome outcome) {
		if (lease == null) {
			return CompletableFuture.completedFuture(outcome);
		}
		// Renewed until etcd has revoked it: a revocation waits its turn behind the other
		// withdrawals of the process, and a lease no longer renewed meanwhile expired
		// first (3,502 of 10,000 withdrawn at once, in one run). The keep-alive hears of
		// the revocation after this task, when the lease is closed.
		return this.store.revokeAsync(lease.id(), this.store.getRequestTimeout()).handle((revoked, failure) -> {
			lease.close();
			return outcome.released(new Revocation(lease.id(), lease.ttlSeconds(),
					(failure != null) ? String.valueOf(EtcdCalls.unwrap(failure).getMessage()) : null));
		});
	}

	/**
	 * What became of the key.
	 */
	enum KeyOutcome {

		/**
		 * Moved to its parked key, out of service: it was still this process's.
		 */
		PARKED,

		/**
		 * Deleted: it was still this process's.
		 */
		DELETED,

		/**
		 * Not deleted: it was gone already, or no longer this process's.
		 */
		ALREADY_GONE,

		/**
		 * Not deleted: etcd did not answer in time or failed.
		 */
		NOT_DELETED,

		/**
		 * This process held no key.
		 */
		NO_KEY

	}

	/**
	 * What a withdrawal did.
	 *
	 * @param key what became of the key
	 * @param keyFailure why the key was not deleted, or {@code null}
	 * @param parkedKey the key it was moved to, or {@code null} when it was not
	 * @param drained how long watchers were given to notice, zero when the key was not
	 * deleted or there was no drain delay
	 * @param revocation what became of the lease, or {@code null} when there was none
	 */
	record Outcome(KeyOutcome key, @Nullable String keyFailure, @Nullable String parkedKey, Duration drained,
			@Nullable Revocation revocation) {

		static Outcome of(KeyOutcome key, @Nullable String keyFailure) {
			return new Outcome(key, keyFailure, null, Duration.ZERO, null);
		}

		Outcome drained(Duration drainDelay) {
			return new Outcome(this.key, this.keyFailure, this.parkedKey, drainDelay, this.revocation);
		}

		Outcome released(Revocation revocation) {
			return new Outcome(this.key, this.keyFailure, this.parkedKey, this.drained, revocation);
		}

		/**
		 * Describe the withdrawal in a few words, for its log line.
		 * @return for example
		 * {@code key deleted, drained 2s, lease 694d7f3e8a1c2b05 revoked}
		 */
		String describe() {
			StringBuilder text = new StringBuilder(switch (this.key) {
				case PARKED -> "key moved to " + this.parkedKey + " as OUT_OF_SERVICE";
				case DELETED -> "key deleted";
				case ALREADY_GONE -> "key already gone";
				case NOT_DELETED -> "key not deleted (" + this.keyFailure + ")";
				case NO_KEY -> "no key";
			});
			if (!this.drained.isZero()) {
				text.append(", drained ").append(Durations.format(this.drained));
			}
			Revocation lease = this.revocation;
			if (lease != null) {
				text.append(", lease ").append(Long.toHexString(lease.leaseId()));
				text.append((lease.failure() != null)
						? " not revoked (" + lease.failure() + "): it expires within " + lease.ttlSeconds() + "s"
						: " revoked");
				if (this.key == KeyOutcome.PARKED && lease.failure() == null) {
					text.append(" with the parked key");
				}
			}
			return text.toString();
		}

	}

	/**
	 * Where a withdrawn UP key is moved.
	 *
	 * @param key the instance's parked key
	 * @param value its value, with a status that is not UP
	 */
	record Parking(String key, byte[] value) {

	}

	/**
	 * What became of the lease.
	 *
	 * @param leaseId the lease
	 * @param ttlSeconds its TTL, within which it expires when it was not revoked
	 * @param failure why it was not revoked, or {@code null} when it was
	 */
	record Revocation(long leaseId, long ttlSeconds, @Nullable String failure) {

	}

}
