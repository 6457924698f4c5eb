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
import java.time.Instant;
import java.util.List;

import io.etcd.jetcd.KeyValue;
import io.etcddiscovery.registration.RegistrationState.Phase;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Registration heals every loss caused by etcd itself: restarts, wipes, outages longer
 * than the TTL, and a keep-alive stream that jetcd ends because etcd stopped answering.
 * After healing exactly one key exists for the instance, bound to a live lease.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class RegistrationHealingIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(40);

	private static final String KEY = "/services/default/orders/orders-1";

	private static EtcdInspector inspector;

	private ConfigurableApplicationContext context;

	private InstanceRegistrar registrar;

	@BeforeAll
	static void connect() {
		inspector = new EtcdInspector(etcd.endpoints());
	}

	@AfterAll
	static void disconnect() {
		inspector.close();
	}

	@BeforeEach
	void register() {
		etcd.deleteAllKeys();
		this.context = TestApplication.run(etcd.endpoints(), "orders", "discovery.instance-id=orders-1");
		this.registrar = this.context.getBean(InstanceLifecycle.class).getRegistrar();
		await().atMost(TIMEOUT).until(this::isRegisteredOnceWithLiveLease);
	}

	@AfterEach
	void close() {
		this.context.close();
	}

	@Test
	void staysRegisteredAcrossAnEtcdRestart(CapturedOutput output) {
		long lease = this.registrar.getState().leaseId();
		long created = inspector.key(KEY).getCreateRevision();
		etcd.restart();
		await().atMost(TIMEOUT).until(this::isRegisteredOnceWithLiveLease);
		// Stays so for more than two TTLs: the lease is renewed again after the restart.
		await().during(Duration.ofSeconds(5)).atMost(TIMEOUT).until(this::isRegisteredOnceWithLiveLease);
		// The restart broke the keep-alive stream and the own key's watch; jetcd resumed
		// both, and etcd still had the key on the same lease: nothing written again.
		assertThat(this.registrar.getState().leaseId()).isEqualTo(lease);
		assertThat(this.registrar.getReRegistrations()).isZero();
		assertThat(inspector.key(KEY).getCreateRevision()).isEqualTo(created);
		assertThat(output).doesNotContain("Re-registered " + KEY);
	}

	@Test
	void reRegistersAfterEtcdIsWipedAndRestarted() {
		long lease = this.registrar.getState().leaseId();
		etcd.wipeAndRestart();
		// The wiped etcd knows nothing of the old lease (the instance may already be
		// back).
		assertThat(inspector.isLeaseAlive(lease)).isFalse();
		await().atMost(TIMEOUT)
			.until(() -> isRegisteredOnceWithLiveLease() && this.registrar.getState().leaseId() != lease);
	}

	@Test
	void keepsTheLeaseARestartedEtcdExtendedAfterBeingUnreachableForLongerThanTheTtl() {
		long lease = this.registrar.getState().leaseId();
		etcd.stop();
		// No keep-alive reply within the TTL (2s): not confirmed any more, the lease
		// kept.
		await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.RETRYING);
		assertThat(this.registrar.getState().leaseId()).isEqualTo(lease);
		await().atMost(TIMEOUT)
			.until(() -> Duration.between(this.registrar.getState().lastRenewal(), Instant.now())
				.compareTo(Duration.ofSeconds(3)) > 0);
		etcd.restart();
		// A restarted etcd gives every lease its TTL again: the next renewal finds it.
		await().atMost(TIMEOUT).until(this::isRegisteredOnceWithLiveLease);
		assertThat(this.registrar.getState().leaseId()).isEqualTo(lease);
		assertThat(this.registrar.getLeaseLosses()).isZero();
	}

	@Test
	void reRegistersWhenTheKeepAliveStreamEndsBecauseEtcdStopsAnswering() {
		long lease = this.registrar.getState().leaseId();
		etcd.pause();
		try {
			// No keep-alive reply within the TTL; etcd, resumed, expires the lease.
			await().atMost(TIMEOUT).until(() -> this.registrar.getState().phase() == Phase.RETRYING);
			await().pollDelay(Duration.ofSeconds(1)).until(() -> true);
		}
		finally {
			etcd.resume();
		}
		await().atMost(TIMEOUT)
			.until(() -> isRegisteredOnceWithLiveLease() && this.registrar.getState().leaseId() != lease);
		await().atMost(TIMEOUT).until(() -> !inspector.isLeaseAlive(lease));
		assertThat(inspector.keys("/services/default/orders/")).hasSize(1);
	}

	private boolean isRegisteredOnceWithLiveLease() {
		try {
			List<KeyValue> keys = inspector.keys("/services/");
			RegistrationState state = this.registrar.getState();
			return state.phase() == Phase.REGISTERED && keys.size() == 1 && keys.get(0).getKey().toString().equals(KEY)
					&& keys.get(0).getLease() == state.leaseId() && inspector.isLeaseAlive(state.leaseId());
		}
		catch (IllegalStateException ex) {
			// etcd not answering yet
			return false;
		}
	}

}
