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

package io.etcddiscovery.etcd;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link DiscoveryScheduler} and {@link SerialExecutor}: many objects on few
 * threads, each object one task at a time, in order.
 *
 * @author etcd-discovery authors
 */
class DiscoverySchedulerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final DiscoveryScheduler scheduler = new DiscoveryScheduler(4);

	@AfterEach
	void close() {
		this.scheduler.close();
	}

	@Test
	void eachExecutorRunsOneTaskAtATimeInOrderWhileExecutorsRunSideBySide() throws Exception {
		List<SerialExecutor> executors = List.of(this.scheduler.serialExecutor("a"), this.scheduler.serialExecutor("b"),
				this.scheduler.serialExecutor("c"));
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		AtomicInteger[] inEach = { new AtomicInteger(), new AtomicInteger(), new AtomicInteger() };
		AtomicInteger mostInOneExecutor = new AtomicInteger();
		List<List<Integer>> seen = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
				new CopyOnWriteArrayList<>());
		// Each executor's first task waits a while for the other two's: they meet only if
		// the executors run side by side.
		CountDownLatch firstTasks = new CountDownLatch(3);
		List<Boolean> met = new CopyOnWriteArrayList<>();
		CountDownLatch done = new CountDownLatch(3 * 200);
		for (int i = 0; i < 200; i++) {
			for (int e = 0; e < 3; e++) {
				int task = i;
				int executor = e;
				// Worker threads only record what they see; the test thread asserts it.
				executors.get(e).execute(() -> {
					mostInOneExecutor.accumulateAndGet(inEach[executor].incrementAndGet(), Math::max);
					mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
					if (task == 0) {
						firstTasks.countDown();
						met.add(awaitQuietly(firstTasks, Duration.ofSeconds(3)));
					}
					seen.get(executor).add(task);
					running.decrementAndGet();
					inEach[executor].decrementAndGet();
					done.countDown();
				});
			}
		}
		// Long enough for the first tasks to give up waiting for each other one by one.
		assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
		assertThat(met).as("each executor's first task met the other two").containsExactly(true, true, true);
		assertThat(mostInOneExecutor).as("most tasks of one executor running at once").hasValue(1);
		assertThat(mostAtOnce).as("most tasks running at once").hasValue(3);
		for (List<Integer> tasks : seen) {
			assertThat(tasks).hasSize(200).isSorted();
		}
		assertThat(this.scheduler.getWorkerCount()).isBetween(1, 4);
	}

	@Test
	void workersStartWhenWorkWaitsUpToTheMaximum() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(4);
		for (int i = 0; i < 10; i++) {
			this.scheduler.serialExecutor("blocked-" + i).execute(() -> {
				started.countDown();
				awaitQuietly(release, TIMEOUT);
			});
		}
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.scheduler.getWorkerCount()).isEqualTo(4);
		release.countDown();
	}

	@Test
	void aTaskThatWaitsAsynchronouslyHoldsItsExecutorButNoThread() {
		SerialExecutor held = this.scheduler.serialExecutor("held");
		SerialExecutor other = this.scheduler.serialExecutor("other");
		CompletableFuture<String> answer = new CompletableFuture<>();
		List<String> order = new CopyOnWriteArrayList<>();
		CompletableFuture<String> outcome = held.submitAsync(() -> {
			order.add("started");
			return answer;
		});
		held.execute(() -> order.add("next"));
		// Workers are free meanwhile: other executors run.
		assertThat(other.submit(() -> "ran")).succeedsWithin(TIMEOUT).isEqualTo("ran");
		assertThat(order).containsExactly("started");
		answer.complete("answered");
		assertThat(outcome).succeedsWithin(TIMEOUT).isEqualTo("answered");
		await().atMost(TIMEOUT).until(() -> order.size() == 2);
		assertThat(order).containsExactly("started", "next");
	}

	@Test
	void delayedTasksRunOnTheExecutorAndNotOnceItIsShutDown() {
		SerialExecutor executor = this.scheduler.serialExecutor("delayed");
		List<String> threads = new CopyOnWriteArrayList<>();
		executor.schedule(() -> threads.add(Thread.currentThread().getName()), Duration.ofMillis(50));
		await().atMost(TIMEOUT).until(() -> threads.size() == 1);
		assertThat(threads.get(0)).startsWith(DiscoveryScheduler.WORKER_THREAD_NAME_PREFIX);
		executor.schedule(() -> threads.add("late"), Duration.ofMillis(100));
		executor.shutdown();
		assertThat(executor.after(Duration.ofMillis(300))).succeedsWithin(TIMEOUT);
		assertThat(threads).hasSize(1);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> executor.execute(() -> {
		}));
	}

	@Test
	void shutdownNowInterruptsTheTaskUnderWay() throws Exception {
		SerialExecutor executor = this.scheduler.serialExecutor("interrupted");
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch never = new CountDownLatch(1);
		CompletableFuture<Boolean> interrupted = executor.submit(() -> {
			started.countDown();
			try {
				// A task that blocks until it is interrupted.
				never.await(10, TimeUnit.SECONDS);
				return false;
			}
			catch (InterruptedException ex) {
				return true;
			}
		});
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		executor.shutdownNow();
		assertThat(interrupted).succeedsWithin(TIMEOUT).isEqualTo(true);
		assertThat(executor.awaitTermination(TIMEOUT)).isTrue();
	}

	@Test
	void closingEndsEveryThread() {
		this.scheduler.serialExecutor("any").execute(() -> {
		});
		await().atMost(TIMEOUT).until(() -> this.scheduler.getWorkerCount() >= 1);
		this.scheduler.close();
		assertThat(this.scheduler.getWorkerCount()).isZero();
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> this.scheduler.serialExecutor("late").execute(() -> {
			}));
	}

	private static boolean awaitQuietly(CountDownLatch latch, Duration timeout) {
		try {
			return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

}
