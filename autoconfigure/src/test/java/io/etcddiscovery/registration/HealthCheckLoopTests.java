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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.Client;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.StatusSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link HealthCheckLoop}'s handling of health results, with a scripted health
 * source (the registrar is never started, so no etcd is involved).
 *
 * @author etcd-discovery authors
 */
class HealthCheckLoopTests {

	private final Client client = Client.builder().endpoints("http://127.0.0.1:1").build();

	private final SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();

	private final ExecutorService healthExecutor = Executors.newSingleThreadExecutor();

	private final InstanceRegistrar registrar = new InstanceRegistrar(
			new EtcdRegistrationStore(this.client, Duration.ofMillis(200)), new KeyLayout("/services"),
			Duration.ofSeconds(10), new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(1), 1), Clock.systemUTC(),
			this.scheduler);

	private final List<String> published = new CopyOnWriteArrayList<>();

	private final AtomicInteger evaluations = new AtomicInteger();

	private final StatusPublisher publisher = new StatusPublisher(this.registrar) {

		@Override
		public synchronized void setHealthStatus(InstanceStatus status) {
			HealthCheckLoopTests.this.published.add(status + "@" + HealthCheckLoopTests.this.evaluations.get());
			super.setHealthStatus(status);
		}

	};

	private HealthCheckLoop loop;

	@AfterEach
	void stop() {
		if (this.loop != null) {
			this.loop.stop();
		}
		this.registrar.stop(Duration.ZERO);
		this.client.close();
		this.scheduler.close();
		this.healthExecutor.shutdownNow();
	}

	@Test
	void statusFlipsOnlyAfterThresholdEqualResultsInARow() {
		List<InstanceStatus> script = List.of(InstanceStatus.UP, InstanceStatus.DOWN, InstanceStatus.DOWN,
				InstanceStatus.UP, InstanceStatus.DOWN, InstanceStatus.DOWN, InstanceStatus.DOWN);
		this.loop = loop(3, () -> {
			int index = this.evaluations.incrementAndGet() - 1;
			return script.get(Math.min(index, script.size() - 1));
		});
		assertThat(this.loop.evaluateNow()).isEqualTo(InstanceStatus.UP);
		this.loop.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.published.size() == 2);
		// UP at start-up; two DOWNs then an UP change nothing; the third DOWN in a row
		// flips.
		assertThat(this.published).containsExactly("UP@1", "DOWN@7");
		assertThat(this.publisher.getEffectiveStatus()).isEqualTo(InstanceStatus.DOWN);
	}

	@Test
	void thresholdOfOneFlipsAtOnce() {
		this.loop = loop(1,
				() -> (this.evaluations.incrementAndGet() == 1) ? InstanceStatus.UP : InstanceStatus.OUT_OF_SERVICE);
		this.loop.evaluateNow();
		this.loop.start();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.published.size() == 2);
		assertThat(this.published).containsExactly("UP@1", "OUT_OF_SERVICE@2");
	}

	@Test
	void failingHealthCheckCountsAsDownAndOverrideWins() {
		this.loop = loop(1, () -> {
			this.evaluations.incrementAndGet();
			throw new IllegalStateException("database gone");
		});
		assertThat(this.loop.evaluateNow()).isEqualTo(InstanceStatus.DOWN);
		this.publisher.setOperatorStatus("out_of_service");
		assertThat(this.publisher.getEffectiveStatus()).isEqualTo(InstanceStatus.OUT_OF_SERVICE);
		this.publisher.setOperatorStatus("UP");
		assertThat(this.publisher.getEffectiveStatus()).isEqualTo(InstanceStatus.DOWN);
		this.publisher.setRefusingTraffic(true);
		assertThat(this.publisher.getEffectiveStatus()).isEqualTo(InstanceStatus.OUT_OF_SERVICE);
	}

	private HealthCheckLoop loop(int threshold, StatusSource source) {
		return new HealthCheckLoop(this.registrar, this.publisher, source, Duration.ofMillis(20), Duration.ofSeconds(1),
				threshold, Duration.ofMillis(200), Clock.systemUTC(), this.scheduler, this.healthExecutor);
	}

}
