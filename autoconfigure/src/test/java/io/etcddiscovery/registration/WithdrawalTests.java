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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.etcddiscovery.etcd.SerialExecutor;
import io.etcddiscovery.registration.LeaseKeeper.Lease;
import io.etcddiscovery.registration.RegistrationStore.RegisteredKey;
import io.etcddiscovery.registration.Withdrawal.KeyOutcome;
import io.etcddiscovery.registration.Withdrawal.Outcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link Withdrawal} against a store in memory: what it deletes and revokes,
 * and the outcome it reports, which the registrar logs as it is.
 *
 * @author etcd-discovery authors
 */
class WithdrawalTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String KEY = "/services/default/orders/o1";

	private final InMemoryRegistrationStore store = new InMemoryRegistrationStore();

	private final SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();

	private final SerialExecutor executor = new SerialExecutor("test", this.scheduler);

	private final LeaseKeeper leases = new LeaseKeeper(this.store, Duration.ofSeconds(10), Clock.systemUTC(),
			this.executor, new IgnoredLeaseEvents());

	private final Withdrawal withdrawal = new Withdrawal(this.store, this.executor);

	private static Outcome outcome(CompletableFuture<Outcome> withdrawn) {
		return withdrawn.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).join();
	}

	@AfterEach
	void close() {
		this.scheduler.close();
	}

	@Test
	void deletesTheKeyDrainsAndRevokesTheLease() {
		Lease lease = this.leases.grant().join();
		RegisteredKey key = this.store.register(KEY, KEY + "-parked", "v".getBytes(), lease.id(), (existing) -> false);
		Outcome outcome = outcome(this.withdrawal.withdraw(KEY, key.createRevision(), lease, Duration.ofMillis(50)));
		assertThat(outcome.key()).isEqualTo(KeyOutcome.DELETED);
		assertThat(this.store.key(KEY)).isNull();
		assertThat(this.store.hasLease(lease.id())).isFalse();
		assertThat(outcome.describe())
			.isEqualTo("key deleted, drained 50ms, lease " + Long.toHexString(lease.id()) + " revoked");
	}

	@Test
	void keepsTheLeaseAliveUntilItIsRevoked() {
		// A revocation may wait its turn behind thousands of others: a lease no longer
		// renewed meanwhile would expire first.
		Lease lease = this.leases.grant().join();
		RegisteredKey key = this.store.register(KEY, KEY + "-parked", "v".getBytes(), lease.id(), (existing) -> false);
		outcome(this.withdrawal.withdraw(KEY, key.createRevision(), lease, Duration.ZERO));
		assertThat(this.store.revokedWhileKeptAlive(lease.id())).isTrue();
		assertThat(this.store.keepAliveListener(lease.id())).isNull();
	}

	@Test
	void movesAnUpKeyToItsParkedKeyDrainsAndRevokesTheLeaseWithIt() {
		Lease lease = this.leases.grant().join();
		String parked = "/services/default/~parked/orders/o1";
		RegisteredKey key = this.store.register(KEY, parked, "v".getBytes(), lease.id(), (existing) -> false);
		Outcome outcome = outcome(this.withdrawal.withdraw(KEY, key.createRevision(), lease, Duration.ofMillis(50),
				new Withdrawal.Parking(parked, "leaving".getBytes())));
		assertThat(outcome.key()).isEqualTo(KeyOutcome.PARKED);
		assertThat(this.store.key(KEY)).isNull();
		assertThat(this.store.key(parked)).isNull();
		assertThat(this.store.hasLease(lease.id())).isFalse();
		assertThat(outcome.describe()).isEqualTo("key moved to " + parked + " as OUT_OF_SERVICE, drained 50ms, lease "
				+ Long.toHexString(lease.id()) + " revoked with the parked key");
	}

	@Test
	void deletesAKeyThatCannotBeParked() {
		Lease lease = this.leases.grant().join();
		String parked = "/services/default/~parked/orders/o1";
		RegisteredKey key = this.store.register(KEY, parked, "v".getBytes(), lease.id(), (existing) -> false);
		this.store.putByOther(parked, "theirs");
		Outcome outcome = outcome(this.withdrawal.withdraw(KEY, key.createRevision(), lease, Duration.ofMillis(50),
				new Withdrawal.Parking(parked, "leaving".getBytes())));
		assertThat(outcome.key()).isEqualTo(KeyOutcome.DELETED);
		assertThat(this.store.key(KEY)).isNull();
	}

	@Test
	void doesNotWaitTwiceWhenEtcdDoesNotAnswerTheMove() {
		Lease lease = this.leases.grant().join();
		String parked = "/services/default/~parked/orders/o1";
		RegisteredKey key = this.store.register(KEY, parked, "v".getBytes(), lease.id(), (existing) -> false);
		// The move and the revocation fail; a delete in between would take the second
		// failure and let the revocation through.
		this.store.failNextCalls(2);
		Outcome outcome = outcome(this.withdrawal.withdraw(KEY, key.createRevision(), lease, Duration.ofSeconds(2),
				new Withdrawal.Parking(parked, "leaving".getBytes())));
		assertThat(outcome.key()).isEqualTo(KeyOutcome.NOT_DELETED);
		assertThat(outcome.drained()).isZero();
		assertThat(outcome.describe()).isEqualTo(
				"key not deleted (move " + KEY + " " + parked + " failed: UNAVAILABLE: connection refused), lease "
						+ Long.toHexString(lease.id()) + " not revoked (revoke " + Long.toHexString(lease.id())
						+ " failed: UNAVAILABLE: connection refused): it expires within 10s");
	}

	@Test
	void leavesAKeyThatIsNoLongerThisProcesssAndStillRevokesTheLease() {
		Lease lease = this.leases.grant().join();
		RegisteredKey key = this.store.register(KEY, KEY + "-parked", "v".getBytes(), lease.id(), (existing) -> false);
		this.store.deleteByOther(KEY);
		long other = this.store.putByOther(KEY, "theirs");
		Outcome outcome = outcome(this.withdrawal.withdraw(KEY, key.createRevision(), lease, Duration.ofSeconds(2)));
		assertThat(outcome.key()).isEqualTo(KeyOutcome.ALREADY_GONE);
		assertThat(this.store.key(KEY).leaseId()).isEqualTo(other);
		assertThat(outcome.describe())
			.isEqualTo("key already gone, lease " + Long.toHexString(lease.id()) + " revoked");
	}

	@Test
	void saysWhatFailedWhenEtcdDoesNotAnswer() {
		Lease lease = this.leases.grant().join();
		RegisteredKey key = this.store.register(KEY, KEY + "-parked", "v".getBytes(), lease.id(), (existing) -> false);
		this.store.failNextCalls(2);
		Outcome outcome = outcome(this.withdrawal.withdraw(KEY, key.createRevision(), lease, Duration.ofSeconds(2)));
		assertThat(outcome.key()).isEqualTo(KeyOutcome.NOT_DELETED);
		assertThat(outcome.describe())
			.isEqualTo("key not deleted (withdraw " + KEY + " failed: UNAVAILABLE: connection refused), lease "
					+ Long.toHexString(lease.id()) + " not revoked (revoke " + Long.toHexString(lease.id())
					+ " failed: UNAVAILABLE: connection refused): it expires within 10s");
	}

	@Test
	void withoutALeaseThereIsNoKeyToDelete() {
		Outcome outcome = outcome(this.withdrawal.withdraw(KEY, 0, null, Duration.ofSeconds(2)));
		assertThat(outcome.key()).isEqualTo(KeyOutcome.NO_KEY);
		assertThat(outcome.describe()).isEqualTo("no key");
		assertThat(this.store.calls()).isEmpty();
	}

	/**
	 * Withdrawal does not listen to its lease.
	 */
	private static final class IgnoredLeaseEvents implements LeaseKeeper.Events {

		@Override
		public void lapsed(LeaseKeeper.Lease lease) {
		}

		@Override
		public void renewedAfterLapse(LeaseKeeper.Lease lease) {
		}

		@Override
		public void lost(LeaseKeeper.Lease lease, String reason) {
		}

	}

}
