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

package io.etcddiscovery.health;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcddiscovery.registration.InstanceLifecycle;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The heartbeat publishes actuator health, against a real etcd.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class HeartbeatIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final String KEY = "/services/default/orders/orders-1";

	private static final String PARKED_KEY = "/services/default/~parked/orders/orders-1";

	private static Client client;

	private static final AtomicReference<Status> health = new AtomicReference<>(Status.UP);

	private static volatile CountDownLatch hang = new CountDownLatch(0);

	private ConfigurableApplicationContext context;

	@BeforeAll
	static void connect() {
		client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
	}

	@AfterAll
	static void disconnect() {
		client.close();
	}

	@BeforeEach
	void reset() {
		etcd.deleteAllKeys();
		health.set(Status.UP);
		hang = new CountDownLatch(0);
	}

	@AfterEach
	void close() {
		hang.countDown();
		if (this.context != null) {
			this.context.close();
		}
	}

	@Test
	void publishesDownWithinOneIntervalAndUpWhenHealthyAgain() {
		start("discovery.ttl=3s");
		await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(status()));
		health.set(Status.DOWN);
		// One interval is ttl/3 = 1s; allow for scheduling on a busy machine.
		await().atMost(Duration.ofSeconds(3)).until(() -> "DOWN".equals(status()));
		assertThat(key().getKey().toString()).as("parked, where Go clients do not see it").isEqualTo(PARKED_KEY);
		assertThat(key(KEY)).isNull();
		long lease = key().getLease();
		health.set(Status.UP);
		await().atMost(Duration.ofSeconds(3)).until(() -> "UP".equals(status()));
		assertThat(key().getKey().toString()).isEqualTo(KEY);
		assertThat(key(PARKED_KEY)).isNull();
		assertThat(key().getLease()).as("same lease").isEqualTo(lease);
	}

	@Test
	void outOfServiceHealthIsPublishedAsOutOfService() {
		start("discovery.ttl=3s");
		await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(status()));
		health.set(Status.OUT_OF_SERVICE);
		await().atMost(Duration.ofSeconds(3)).until(() -> "OUT_OF_SERVICE".equals(status()));
	}

	@Test
	void unhealthyInstanceIsNeverPublishedAsUp() {
		health.set(Status.DOWN);
		start("discovery.ttl=3s");
		await().atMost(Duration.ofSeconds(10)).until(() -> key() != null);
		assertThat(status()).isEqualTo("DOWN");
		assertThat(key().getVersion()).as("written once, as DOWN").isEqualTo(1);
		assertThat(key(KEY)).as("never where Go clients would call it").isNull();
		assertThat(key().getCreateRevision()).isEqualTo(key().getModRevision());
	}

	@Test
	void hangingHealthCheckCountsAsDownAndNeverDelaysTheLease(CapturedOutput output) {
		start("discovery.ttl=2s", "discovery.heartbeat.health-timeout=300ms");
		await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(status()));
		long lease = key().getLease();
		hang = new CountDownLatch(1);
		await().atMost(Duration.ofSeconds(5)).until(() -> "DOWN".equals(status()));
		// Three TTLs later the same lease still holds the key: renewal never waited for
		// health.
		await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() -> {
			KeyValue kv = key();
			return kv != null && kv.getLease() == lease;
		});
		hang.countDown();
		await().atMost(Duration.ofSeconds(5)).until(() -> "UP".equals(status()));
		assertThat(output).contains("Health check did not answer within 300ms: counting it as DOWN")
			.contains("Status of " + KEY + " changed from UP to DOWN")
			.containsPattern("Status of \\S+ changed from DOWN to UP");
	}

	@Test
	void refusingTrafficPublishesOutOfServiceAtOnce() {
		// A 10s heartbeat: what follows cannot be the heartbeat's doing.
		start("discovery.ttl=30s");
		await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(status()));
		AvailabilityChangeEvent.publish(this.context, ReadinessState.REFUSING_TRAFFIC);
		await().atMost(Duration.ofSeconds(2)).until(() -> "OUT_OF_SERVICE".equals(status()));
		AvailabilityChangeEvent.publish(this.context, ReadinessState.ACCEPTING_TRAFFIC);
		await().atMost(Duration.ofSeconds(2)).until(() -> "UP".equals(status()));
	}

	@Test
	void etcdBeingDownDoesNotMarkTheInstanceDown() {
		start("discovery.ttl=3s");
		await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(status()));
		HealthStatusSource source = this.context.getBean(HealthStatusSource.class);
		EtcdHealthIndicator etcdHealth = this.context.getBean(EtcdHealthIndicator.class);
		assertThat(etcdHealth.health().getStatus()).isEqualTo(Status.UP);
		assertThat(etcdHealth.health().getDetails()).containsKeys("clusterId", "leader", "members");
		etcd.stop();
		assertThat(etcdHealth.health().getStatus()).isEqualTo(Status.DOWN);
		assertThat(source.evaluate()).isEqualTo(io.etcddiscovery.etcd.InstanceStatus.UP);
		etcd.restart();
		await().atMost(Duration.ofSeconds(20)).until(() -> "UP".equals(status()));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.context.getBean(InstanceLifecycle.class).getHealthCheckLoop().getLastBeat() != null);
	}

	@Test
	void statusThatCannotBePublishedWhileEtcdIsDownIsPublishedOnceItIsBack(CapturedOutput output) {
		// A 10s TTL: the lease outlives the outage, so the change is an update of the
		// key.
		start("discovery.ttl=10s");
		await().atMost(Duration.ofSeconds(10)).until(() -> "UP".equals(status()));
		health.set(Status.DOWN);
		await().atMost(Duration.ofSeconds(10)).until(() -> "DOWN".equals(status()));
		etcd.stop();
		// DOWN and OUT_OF_SERVICE are both parked: the same key gets the new status.
		health.set(Status.OUT_OF_SERVICE);
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(
					() -> assertThat(output).contains("Could not publish status OUT_OF_SERVICE of " + PARKED_KEY + " (")
						.contains("): retrying"));
		etcd.restart();
		await().atMost(Duration.ofSeconds(30)).until(() -> "OUT_OF_SERVICE".equals(status()));
		assertThat(key().getKey().toString()).isEqualTo(PARKED_KEY);
	}

	private void start(String... properties) {
		this.context = new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
			.properties("spring.application.name=orders", "discovery.instance-id=orders-1",
					"discovery.etcd.endpoints=" + String.join(",", etcd.endpoints()), "discovery.host=127.0.0.1",
					"discovery.port=8080", "discovery.shutdown.drain-delay=0s", "discovery.retry.max-interval=1s",
					"spring.main.banner-mode=off")
			.properties(properties)
			.run();
	}

	// The instance's key, wherever its status put it.
	private static KeyValue key() {
		KeyValue live = key(KEY);
		return (live != null) ? live : key(PARKED_KEY);
	}

	private static KeyValue key(String key) {
		try {
			var kvs = client.getKVClient()
				.get(io.etcd.jetcd.ByteSequence.from(key.getBytes()), GetOption.DEFAULT)
				.get()
				.getKvs();
			return kvs.isEmpty() ? null : kvs.get(0);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String status() {
		KeyValue kv = key();
		if (kv == null) {
			return null;
		}
		String value = kv.getValue().toString();
		int at = value.indexOf("\"status\":\"");
		return value.substring(at + 10, value.indexOf('"', at + 10));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		HealthIndicator toggleHealthIndicator() {
			return () -> {
				try {
					hang.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				return Health.status(health.get()).build();
			};
		}

	}

}
