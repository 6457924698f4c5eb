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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.registration.RegistrationState.Phase;
import io.etcddiscovery.registration.RegistrationStore.LeaseListener;
import io.etcddiscovery.registration.RegistrationStore.RegisteredKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the registrar's state machine ({@link InstanceRegistrar}) against a store in
 * memory: every transition between phases, what it writes, and what it counts, with no
 * etcd and no mock.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class RegistrationStateMachineTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String KEY = "/services/default/orders/o1";

	private static final String PARKED = "/services/default/~parked/orders/o1";

	private final InMemoryRegistrationStore store = new InMemoryRegistrationStore();

	private final SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();

	private final InstanceRegistrar registrar = new InstanceRegistrar(this.store, new KeyLayout("/services"),
			Duration.ofSeconds(10), new Backoff(Duration.ofMillis(20), Duration.ofMillis(50), 2), Clock.systemUTC(),
			this.scheduler);

	private final List<Phase> phases = new CopyOnWriteArrayList<>();

	private final ServiceRegistration registration = new ServiceRegistration("default", "orders", "o1", "10.0.0.1",
			8080, false, Map.of(), InstanceStatus.UP);

	@AfterEach
	void stop() {
		this.registrar.stop(Duration.ZERO);
		this.scheduler.close();
	}

	@Test
	void registersWithALeaseAndTellsItsListeners() {
		start();
		RegisteredKey key = this.store.key(KEY);
		assertThat(key).isNotNull();
		assertThat(key.leaseId()).isEqualTo(this.registrar.getState().leaseId());
		assertThat(this.store.value(KEY)).contains("\"status\":\"UP\"");
		assertThat(this.phases).containsExactly(Phase.REGISTERED);
		assertThat(this.registrar.getReRegistrations()).isZero();
	}

	@Test
	void retriesWithBackoffWhileTheStoreFailsThenRegisters() {
		this.store.failNextCalls(3);
		this.registrar.addStateListener((state) -> this.phases.add(state.phase()));
		this.registrar.start(this.registration);
		await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.REGISTERED);
		assertThat(this.phases).containsExactly(Phase.RETRYING, Phase.REGISTERED);
		assertThat(this.registrar.getState().consecutiveFailures()).isZero();
		assertThat(this.registrar.getState().lastError()).isNull();
		assertThat(this.registrar.getLeaseLosses()).isZero();
	}

	@Test
	void aFailedFirstRegistrationNamesTheStoresEndpoints() {
		this.store.failNextCalls(1);
		assertThatExceptionOfType(RegistrationException.class)
			.isThrownBy(() -> this.registrar.startAndWait(this.registration))
			.withMessageContaining("grant failed: UNAVAILABLE")
			.satisfies((ex) -> assertThat(ex.getEndpoints()).containsExactly("memory://registrations"));
		assertThat(this.registrar.getState().phase()).isEqualTo(Phase.RETRYING);
	}

	@Test
	void aLostLeaseIsCountedAndReplacedByANewOne() {
		start();
		long first = this.registrar.getState().leaseId();
		this.store.expire(first);
		await().atMost(TIMEOUT)
			.until(() -> this.registrar.getState().phase() == Phase.REGISTERED
					&& this.registrar.getState().leaseId() != first);
		assertThat(this.registrar.getLeaseLosses()).isEqualTo(1);
		assertThat(this.registrar.getReRegistrations()).isEqualTo(1);
		assertThat(this.store.key(KEY).leaseId()).isEqualTo(this.registrar.getState().leaseId());
		assertThat(this.phases).containsExactly(Phase.REGISTERED, Phase.RETRYING, Phase.REGISTERED);
	}

	@Test
	void aKeyDeletedByAnotherProcessIsPutAgainWithTheSameLease() {
		start();
		long lease = this.registrar.getState().leaseId();
		this.store.deleteByOther(KEY);
		await().atMost(TIMEOUT).until(() -> this.registrar.getReRegistrations() == 1);
		await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.REGISTERED);
		assertThat(this.store.key(KEY).leaseId()).isEqualTo(lease);
		assertThat(this.registrar.getLeaseLosses()).isZero();
		assertThat(this.store.calls()).contains("timeToLive");
	}

	@Test
	void aLeaseConfirmedByPuttingTheKeyAgainIsKeptAliveAfresh() {
		// jetcd's keep-alive gives a lease up once no reply came within the TTL, counted
		// from the last reply it saw: after etcd was down for about a TTL, it would give
		// up a lease that etcd kept and the registration was just confirmed with.
		start();
		long lease = this.registrar.getState().leaseId();
		LeaseListener stale = this.store.keepAliveListener(lease);
		assertThat(stale).isNotNull();
		this.store.deleteByOther(KEY);
		await().atMost(TIMEOUT).until(() -> this.registrar.getReRegistrations() == 1);
		await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.REGISTERED);
		LeaseListener resumed = this.store.keepAliveListener(lease);
		assertThat(resumed).isNotNull().isNotSameAs(stale);
		stale.lapsed();
		stale.ended("expired or revoked");
		resumed.renewed(10);
		await().during(Duration.ofMillis(200))
			.atMost(TIMEOUT)
			.until(() -> this.registrar.getLeaseLosses() == 0 && this.registrar.getState().phase() == Phase.REGISTERED);
		assertThat(this.registrar.getState().leaseId()).isEqualTo(lease);
		// The current keep-alive still counts.
		resumed.ended("expired or revoked");
		await().atMost(TIMEOUT).until(() -> this.registrar.getLeaseLosses() == 1);
	}

	@Test
	void aLapsedLeaseThatEtcdRenewsAgainIsKeptAndNothingIsWritten(CapturedOutput output) {
		// No keep-alive reply within the TTL (etcd slow or out of reach): the lease may
		// still be alive. Granting a new one and writing the key again for every
		// registration at once would add the load that made the replies late.
		start();
		long lease = this.registrar.getState().leaseId();
		int calls = this.store.calls().size();
		this.store.answerKeepAlives(false);
		LeaseListener lapsed = this.store.keepAliveListener(lease);
		assertThat(lapsed).isNotNull();
		lapsed.lapsed();
		await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.RETRYING);
		assertThat(this.registrar.getState().leaseId()).isEqualTo(lease);
		assertThat(this.registrar.getState().lastError()).contains("No keep-alive reply");
		// Renewed on a new keep-alive; another lapse of it is the same lapse.
		LeaseListener renewing = this.store.keepAliveListener(lease);
		assertThat(renewing).isNotNull().isNotSameAs(lapsed);
		renewing.lapsed();
		await().atMost(TIMEOUT).until(() -> this.store.keepAliveListener(lease) != renewing);
		LeaseListener current = this.store.keepAliveListener(lease);
		assertThat(current).isNotNull();
		current.renewed(10);
		await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.REGISTERED);
		assertThat(this.registrar.getState().leaseId()).isEqualTo(lease);
		assertThat(this.registrar.getLeaseLosses()).isZero();
		assertThat(this.registrar.getReRegistrations()).isZero();
		assertThat(this.store.calls()).hasSize(calls);
		assertThat(this.phases).containsExactly(Phase.REGISTERED, Phase.RETRYING, Phase.REGISTERED);
		String hex = Long.toHexString(lease);
		// One line per state change: the second lapse of the same lapse is not logged.
		assertThat(output.getOut()
			.split("No keep-alive reply from etcd for lease " + hex + " of " + KEY + " within its TTL", -1)).hasSize(2);
		assertThat(output).contains("Lease " + hex + " of " + KEY + " renewed by etcd again: registration holds");
	}

	@Test
	void aLapsedLeaseThatEtcdEndedIsCountedOnceAndReplaced() {
		start();
		long lease = this.registrar.getState().leaseId();
		this.store.answerKeepAlives(false);
		LeaseListener lapsed = this.store.keepAliveListener(lease);
		assertThat(lapsed).isNotNull();
		lapsed.lapsed();
		await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.RETRYING);
		await().atMost(TIMEOUT).until(() -> this.store.keepAliveListener(lease) != lapsed);
		// etcd answers the new keep-alive: the lease is gone.
		this.store.expire(lease);
		await().atMost(TIMEOUT)
			.until(() -> this.registrar.getState().phase() == Phase.REGISTERED
					&& this.registrar.getState().leaseId() != lease);
		assertThat(this.registrar.getLeaseLosses()).isEqualTo(1);
		assertThat(this.registrar.getReRegistrations()).isEqualTo(1);
		assertThat(this.store.key(KEY).leaseId()).isEqualTo(this.registrar.getState().leaseId());
		assertThat(this.phases).containsExactly(Phase.REGISTERED, Phase.RETRYING, Phase.REGISTERED);
	}

	@Test
	void waitsInConflictWhileAnotherProcessHoldsTheKey() {
		long other = this.store.putByOther(KEY, "theirs");
		this.registrar.addStateListener((state) -> this.phases.add(state.phase()));
		this.registrar.start(this.registration);
		await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.CONFLICT);
		assertThat(this.registrar.getState().lastError()).contains(KEY).contains("held by another process");
		assertThat(this.store.value(KEY)).isEqualTo("theirs");
		this.store.expire(other);
		await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.REGISTERED);
		assertThat(this.phases).containsExactly(Phase.CONFLICT, Phase.REGISTERED);
	}

	@Test
	void aStatusOtherThanUpParksTheKeyWithTheSameLeaseAndUpMovesItBack() {
		start();
		long lease = this.registrar.getState().leaseId();
		this.registrar.setStatus(InstanceStatus.DOWN);
		await().atMost(TIMEOUT).until(() -> this.store.key(PARKED) != null);
		assertThat(this.store.key(KEY)).isNull();
		assertThat(this.store.key(PARKED).leaseId()).isEqualTo(lease);
		assertThat(this.store.value(PARKED)).contains("\"status\":\"DOWN\"");
		assertThat(this.registrar.getState().key()).isEqualTo(PARKED);
		this.registrar.setStatus(InstanceStatus.OUT_OF_SERVICE);
		await().atMost(TIMEOUT).until(() -> this.store.value(PARKED).contains("OUT_OF_SERVICE"));
		this.registrar.setStatus(InstanceStatus.UP);
		await().atMost(TIMEOUT).until(() -> this.store.key(KEY) != null);
		assertThat(this.store.key(PARKED)).isNull();
		assertThat(this.registrar.getStatusChanges()).isEqualTo(3);
		assertThat(this.registrar.getReRegistrations()).isZero();
		assertThat(this.phases).containsExactly(Phase.REGISTERED);
	}

	@Test
	void stopParksTheKeyThenRevokesTheLease() {
		start();
		long lease = this.registrar.getState().leaseId();
		this.registrar.stop(Duration.ZERO);
		assertThat(this.store.key(KEY)).isNull();
		assertThat(this.store.key("/services/default/~parked/orders/o1")).isNull();
		assertThat(this.store.hasLease(lease)).isFalse();
		// Parked first, so that consumers see it leave rather than vanish.
		assertThat(this.store.calls()).containsSubsequence("move " + KEY + " /services/default/~parked/orders/o1",
				"revoke " + Long.toHexString(lease));
		assertThat(this.store.calls()).doesNotContain("withdraw " + KEY);
		assertThat(this.registrar.getState().phase()).isEqualTo(Phase.DEREGISTERED);
		assertThat(this.registrar.verify()).isCompletedExceptionally();
	}

	@Test
	void deregisteredOnRequestStaysWithdrawnUntilRegisteredAgain() {
		start();
		this.registrar.deregister();
		assertThat(this.registrar.isDeregistered()).isTrue();
		assertThat(this.store.key(KEY)).isNull();
		assertThat(this.registrar.verify()).succeedsWithin(TIMEOUT);
		assertThat(this.registrar.getState().phase()).isEqualTo(Phase.DEREGISTERED);
		this.registrar.registerAgain();
		await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.REGISTERED);
		assertThat(this.store.key(KEY)).isNotNull();
		assertThat(this.phases).containsExactly(Phase.REGISTERED, Phase.DEREGISTERED, Phase.REGISTERED);
	}

	@Test
	void theHeartbeatsCheckFindsAMissingKeyAndRegistersAgain() {
		start();
		this.store.deleteByOtherUnwatched(KEY);
		assertThat(this.registrar.verify()).failsWithin(TIMEOUT)
			.withThrowableThat()
			.withMessageContaining("was missing: registering again");
		await().atMost(TIMEOUT).until(() -> this.store.key(KEY) != null);
		assertThat(this.registrar.getReRegistrations()).isEqualTo(1);
	}

	private void start() {
		this.registrar.addStateListener((state) -> this.phases.add(state.phase()));
		this.registrar.start(this.registration);
		await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.REGISTERED);
	}

}
