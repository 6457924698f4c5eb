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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.registration.RegistrationState.Phase;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An instance that is not UP lives under its parked key, out of Go clients' sight, and
 * everything that guards its key follows it there, against a real etcd.
 *
 * @author etcd-discovery authors
 */
class ParkedRegistrationIT {

	private static final SimpleAsyncTaskScheduler SCHEDULER = new SimpleAsyncTaskScheduler();

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String KEY = "/services/default/orders/orders-1";

	private static final String PARKED = "/services/default/~parked/orders/orders-1";

	private static final ServiceRegistration ORDERS_1 = new ServiceRegistration("default", "orders", "orders-1",
			"127.0.0.1", 8080, false, Map.of(), InstanceStatus.UP);

	private static EtcdInspector inspector;

	private static Client client;

	private final List<InstanceRegistrar> registrars = new ArrayList<>();

	@BeforeAll
	static void connect() {
		inspector = new EtcdInspector(etcd.endpoints());
		client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
	}

	@AfterAll
	static void disconnect() {
		client.close();
		inspector.close();
		SCHEDULER.close();
	}

	@BeforeEach
	void emptyEtcd() {
		etcd.deleteAllKeys();
	}

	@AfterEach
	void stopRegistrars() {
		this.registrars.forEach((registrar) -> registrar.stop(Duration.ZERO));
	}

	@Test
	void movesToTheParkedKeyWhenNotUpAndBackWhenUpInOneRevisionWithTheSameLease() {
		InstanceRegistrar registrar = start(ORDERS_1);
		await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.REGISTERED);
		long lease = inspector.key(KEY).getLease();
		registrar.setStatus(InstanceStatus.DOWN);
		await().atMost(TIMEOUT).until(() -> inspector.key(PARKED) != null);
		KeyValue parked = inspector.key(PARKED);
		assertThat(inspector.key(KEY)).isNull();
		assertThat(parked.getLease()).isEqualTo(lease);
		assertThat(inspector.value(PARKED)).contains("\"status\":\"DOWN\"");
		assertThat(registrar.getState().key()).isEqualTo(PARKED);
		assertThat(registrar.getState().status()).isEqualTo(InstanceStatus.DOWN);
		registrar.setStatus(InstanceStatus.OUT_OF_SERVICE);
		await().atMost(TIMEOUT).until(() -> inspector.value(PARKED).contains("\"status\":\"OUT_OF_SERVICE\""));
		assertThat(inspector.key(PARKED).getCreateRevision()).as("updated in place")
			.isEqualTo(parked.getCreateRevision());
		registrar.setStatus(InstanceStatus.UP);
		await().atMost(TIMEOUT).until(() -> inspector.key(KEY) != null);
		assertThat(inspector.key(PARKED)).isNull();
		assertThat(inspector.key(KEY).getLease()).isEqualTo(lease);
		assertThat(registrar.getState().key()).isEqualTo(KEY);
		assertThat(registrar.getStatusChanges()).isEqualTo(3);
	}

	@Test
	void anInstanceThatStartsDownIsNeverWhereGoClientsLook() {
		InstanceRegistrar registrar = start(ORDERS_1.withStatus(InstanceStatus.DOWN));
		await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.REGISTERED);
		assertThat(inspector.keys("/services/")).extracting((kv) -> kv.getKey().toString()).containsExactly(PARKED);
		assertThat(registrar.getState().key()).isEqualTo(PARKED);
	}

	@Test
	void theOwnKeyWatchFollowsTheParkedKey() {
		InstanceRegistrar registrar = start(ORDERS_1);
		await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.REGISTERED);
		registrar.setStatus(InstanceStatus.DOWN);
		await().atMost(TIMEOUT).until(() -> inspector.key(PARKED) != null);
		long created = inspector.key(PARKED).getCreateRevision();
		inspector.delete(PARKED);
		await().atMost(TIMEOUT).until(() -> {
			KeyValue kv = inspector.key(PARKED);
			return kv != null && kv.getCreateRevision() > created;
		});
		assertThat(inspector.key(KEY)).as("still out of Go clients' sight").isNull();
		await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.REGISTERED);
	}

	@Test
	void theHeartbeatsCheckReadsTheParkedKey() throws Exception {
		InstanceRegistrar registrar = start(ORDERS_1.withStatus(InstanceStatus.OUT_OF_SERVICE));
		await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.REGISTERED);
		registrar.verify().get();
		// Another process with the same instance id takes the key while this one's watch
		// is not looking (the check must find it on its own).
		long other = inspector.grant(60);
		inspector.delete(PARKED);
		inspector.put(PARKED, "{\"Addr\":\"10.9.9.9:9\"}", other);
		await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.CONFLICT);
		assertThat(registrar.getState().lastError()).contains(PARKED).contains("another process");
		assertThat(inspector.key(PARKED).getLease()).isEqualTo(other);
		assertThat(inspector.key(KEY)).isNull();
		inspector.revoke(other);
		await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.REGISTERED);
		assertThat(inspector.key(PARKED).getLease()).isEqualTo(registrar.getState().leaseId());
	}

	@Test
	void anotherProcessUnderTheOtherKeyIsAConflict() {
		// Another process runs as orders-1 and is UP; this one starts DOWN.
		long other = inspector.grant(60);
		inspector.put(KEY, "{\"Op\":0,\"Addr\":\"10.9.9.9:9\"}", other);
		InstanceRegistrar down = start(ORDERS_1.withStatus(InstanceStatus.DOWN));
		await().atMost(TIMEOUT).until(() -> down.getState().phase() == Phase.CONFLICT);
		assertThat(down.getState().lastError()).contains(KEY);
		assertThat(inspector.key(PARKED)).as("never registered twice").isNull();
		inspector.revoke(other);
		await().atMost(TIMEOUT).until(() -> down.getState().phase() == Phase.REGISTERED);
		assertThat(inspector.key(PARKED).getLease()).isEqualTo(down.getState().leaseId());
	}

	@Test
	void reRegistersParkedAfterLosingTheLeaseWhileParked() {
		InstanceRegistrar registrar = start(ORDERS_1.withStatus(InstanceStatus.DOWN));
		await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.REGISTERED);
		long lease = inspector.key(PARKED).getLease();
		inspector.revoke(lease);
		await().atMost(TIMEOUT).until(() -> {
			KeyValue kv = inspector.key(PARKED);
			return kv != null && kv.getLease() != lease && inspector.isLeaseAlive(kv.getLease());
		});
		assertThat(inspector.key(KEY)).isNull();
		await().atMost(TIMEOUT)
			.until(() -> registrar.getState().phase() == Phase.REGISTERED
					&& registrar.getState().leaseId() == inspector.key(PARKED).getLease());
	}

	@Test
	void aStatusChangeWhileEtcdIsUnreachableLandsUnderTheRightKey() {
		InstanceRegistrar registrar = start(ORDERS_1);
		await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.REGISTERED);
		etcd.pause();
		try {
			registrar.setStatus(InstanceStatus.DOWN);
			await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.RETRYING);
		}
		finally {
			etcd.resume();
		}
		await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.REGISTERED);
		assertThat(inspector.key(KEY)).isNull();
		assertThat(inspector.value(PARKED)).contains("\"status\":\"DOWN\"");
		assertThat(registrar.getState().key()).isEqualTo(PARKED);
	}

	@Test
	void deregistersFromTheParkedKey() {
		InstanceRegistrar registrar = start(ORDERS_1.withStatus(InstanceStatus.OUT_OF_SERVICE));
		await().atMost(TIMEOUT).until(() -> registrar.getState().phase() == Phase.REGISTERED);
		long lease = inspector.key(PARKED).getLease();
		registrar.stop(Duration.ZERO);
		assertThat(inspector.keys("/services/")).isEmpty();
		assertThat(inspector.isLeaseAlive(lease)).isFalse();
		assertThat(registrar.getState().phase()).isEqualTo(Phase.DEREGISTERED);
	}

	private InstanceRegistrar start(ServiceRegistration registration) {
		InstanceRegistrar registrar = new InstanceRegistrar(new EtcdRegistrationStore(client, Duration.ofSeconds(1)),
				new KeyLayout("/services"), Duration.ofSeconds(3),
				new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2), Clock.systemUTC(), SCHEDULER);
		this.registrars.add(registrar);
		registrar.start(registration);
		return registrar;
	}

}
