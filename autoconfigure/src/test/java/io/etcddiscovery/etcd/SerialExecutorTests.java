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

import org.springframework.scheduling.concurrent.ConcurrentTaskScheduler;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link SerialExecutor}: many objects on few threads, each object one task at
 * a time, in order, on a scheduler made the way the auto-configuration makes it (a timer
 * thread and a pool of workers behind one {@code TaskScheduler}).
 *
 * @author etcd-discovery authors
 */
class SerialExecutorTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String WORKER_THREAD_NAME_PREFIX = "serial-test-worker-";

	private final ThreadPoolTaskExecutor workers = new ThreadPoolTaskExecutor();

	private final ThreadPoolTaskScheduler timer = new ThreadPoolTaskScheduler();

	private final ConcurrentTaskScheduler scheduler;

	SerialExecutorTests() {
		this.workers.setThreadNamePrefix(WORKER_THREAD_NAME_PREFIX);
		this.workers.setCorePoolSize(4);
		this.workers.setMaxPoolSize(4);
		this.workers.initialize();
		this.timer.setThreadNamePrefix("serial-test-timer-");
		this.timer.initialize();
		this.scheduler = new ConcurrentTaskScheduler(this.workers, this.timer.getScheduledExecutor());
	}

	@AfterEach
	void close() {
		this.timer.shutdown();
		this.workers.shutdown();
	}

	private SerialExecutor serialExecutor(String name) {
		return new SerialExecutor(name, this.scheduler);
	}

	@Test
	void eachExecutorRunsOneTaskAtATimeInOrderWhileExecutorsRunSideBySide() throws Exception {
		List<SerialExecutor> executors = List.of(serialExecutor("a"), serialExecutor("b"), serialExecutor("c"));
		AtomicInteger running = new AtomicInteger();
		AtomicInteger mostAtOnce = new AtomicInteger();
		List<List<Integer>> seen = List.of(new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>(),
				new CopyOnWriteArrayList<>());
		AtomicInteger[] inEach = { new AtomicInteger(), new AtomicInteger(), new AtomicInteger() };
		CountDownLatch done = new CountDownLatch(3 * 200);
		for (int i = 0; i < 200; i++) {
			for (int e = 0; e < 3; e++) {
				int task = i;
				int executor = e;
				executors.get(e).execute(() -> {
					assertThat(inEach[executor].incrementAndGet()).isOne();
					mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
					seen.get(executor).add(task);
					running.decrementAndGet();
					inEach[executor].decrementAndGet();
					done.countDown();
				});
			}
		}
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		for (List<Integer> tasks : seen) {
			assertThat(tasks).hasSize(200).isSorted();
		}
		assertThat(mostAtOnce.get()).isBetween(1, 3);
	}

	@Test
	void aTaskThatBlocksHoldsOnlyItsOwnExecutor() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(1);
		SerialExecutor blocked = serialExecutor("blocked");
		blocked.execute(() -> {
			started.countDown();
			awaitQuietly(release);
		});
		CompletableFuture<String> behind = blocked.submit(() -> "behind");
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(serialExecutor("other").submit(() -> "ran")).succeedsWithin(TIMEOUT).isEqualTo("ran");
		assertThat(behind).isNotDone();
		release.countDown();
		assertThat(behind).succeedsWithin(TIMEOUT).isEqualTo("behind");
	}

	@Test
	void aTaskThatWaitsAsynchronouslyHoldsItsExecutorButNoThread() {
		SerialExecutor held = serialExecutor("held");
		SerialExecutor other = serialExecutor("other");
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
		SerialExecutor executor = serialExecutor("delayed");
		List<String> threads = new CopyOnWriteArrayList<>();
		executor.schedule(() -> threads.add(Thread.currentThread().getName()), Duration.ofMillis(50));
		await().atMost(TIMEOUT).until(() -> threads.size() == 1);
		// Handed over by the timer, run by a worker.
		assertThat(threads.get(0)).startsWith(WORKER_THREAD_NAME_PREFIX);
		executor.schedule(() -> threads.add("late"), Duration.ofMillis(100));
		executor.shutdown();
		assertThat(executor.after(Duration.ofMillis(300))).succeedsWithin(TIMEOUT);
		assertThat(threads).hasSize(1);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> executor.execute(() -> {
		}));
	}

	@Test
	void shutdownNowInterruptsTheTaskUnderWay() throws Exception {
		SerialExecutor executor = serialExecutor("interrupted");
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
	void aClosedSchedulerRefusesTasksAndDelays() {
		SerialExecutor executor = serialExecutor("any");
		assertThat(executor.submit(() -> "ran")).succeedsWithin(TIMEOUT);
		this.workers.shutdown();
		this.timer.shutdown();
		// The worker that ran the task may still be finishing its turn.
		await().atMost(TIMEOUT).until(() -> this.workers.getThreadPoolExecutor().isTerminated());
		assertThatExceptionOfType(RejectedExecutionException.class)
			.isThrownBy(() -> serialExecutor("late").execute(() -> {
			}));
		assertThat(executor.submit(() -> "late")).failsWithin(TIMEOUT);
		assertThat(executor.after(Duration.ofMillis(10))).failsWithin(TIMEOUT)
			.withThrowableThat()
			.withCauseInstanceOf(RejectedExecutionException.class);
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
