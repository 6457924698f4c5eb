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

package io.etcddiscovery.client;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ScalingTaskExecutor}.
 *
 * @author etcd-discovery authors
 */
class ScalingTaskExecutorTests {

	@Test
	void startsThreadsUpToItsMaximumAndQueuesTheRest() throws InterruptedException {
		ScalingTaskExecutor pool = new ScalingTaskExecutor(2);
		pool.setThreadNamePrefix("scaling-test-");
		pool.initialize();
		try {
			CountDownLatch release = new CountDownLatch(1);
			CountDownLatch ran = new CountDownLatch(3);
			Set<String> threads = ConcurrentHashMap.newKeySet();
			for (int i = 0; i < 3; i++) {
				pool.execute(() -> {
					threads.add(Thread.currentThread().getName());
					awaitQuietly(release);
					ran.countDown();
				});
			}
			assertThat(pool.getPoolSize()).isEqualTo(2);
			assertThat(pool.getQueueSize()).isEqualTo(1);
			release.countDown();
			assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(threads).allSatisfy((name) -> assertThat(name).startsWith("scaling-test-")).hasSize(2);
		}
		finally {
			pool.shutdown();
		}
	}

	@Test
	void refusesWhatItIsHandedAfterShutdown() {
		ScalingTaskExecutor pool = new ScalingTaskExecutor(2);
		pool.initialize();
		pool.shutdown();
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> pool.execute(() -> {
		}));
	}

	@Test
	void runsWhatItIsHandedAfterShutdownOnTheCallersThreadWhenToldTo() {
		ScalingTaskExecutor pool = new ScalingTaskExecutor(2);
		pool.setRunOnCallerAfterShutdown(true);
		pool.initialize();
		pool.shutdown();
		AtomicReference<Thread> ranOn = new AtomicReference<>();
		pool.execute(() -> ranOn.set(Thread.currentThread()));
		assertThat(ranOn.get()).isSameAs(Thread.currentThread());
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
