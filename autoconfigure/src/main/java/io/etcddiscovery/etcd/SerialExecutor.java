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
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.TaskScheduler;
import org.springframework.util.Assert;

/**
 * Runs tasks one at a time, in the order they were given, on the threads of a shared
 * {@link TaskScheduler}: the state an object touches only from its tasks needs no lock,
 * as if it had a thread of its own, while the threads are shared.
 * <p>
 * Hand-written because neither the JDK nor Spring has it: an executor that keeps a queue
 * per object and, for {@link #submitAsync}, holds that queue until a future completes.
 * Tasks are handed to the scheduler as an {@link Executor} when it is one (Spring's
 * schedulers all are: the auto-configured one runs them on its worker pool), and
 * scheduled for now otherwise; delays ({@link #schedule}, {@link #after}) are the
 * scheduler's.
 * <p>
 * A task may also wait for an answer without holding a thread ({@link #submitAsync}): it
 * returns a future, and the executor runs its next task only once that future is
 * complete, so that the task stays one step of the object's state machine while no worker
 * waits for etcd.
 * <p>
 * A task that fails is logged and the next one runs. Once {@link #shutdown() shut down},
 * the executor refuses new tasks and drops the waiting ones; {@link #shutdownNow()} also
 * interrupts the task under way, for example one that waits for etcd.
 *
 * @author etcd-discovery authors
 */
public final class SerialExecutor implements Executor {

	private static final Log logger = LogFactory.getLog(SerialExecutor.class);

	// Tasks run in one go before the worker is handed back, so that one busy object
	// never holds a worker for long while others wait.
	private static final int BATCH = 64;

	private final String name;

	private final TaskScheduler scheduler;

	private final Queue<Runnable> tasks = new ArrayDeque<>();

	private boolean draining;

	private volatile boolean closed;

	private volatile @Nullable Thread runningOn;

	/**
	 * Create a serial executor.
	 * @param name what the executor serves, for log lines
	 * @param scheduler the threads its tasks run on and the timer of its delays
	 */
	public SerialExecutor(String name, TaskScheduler scheduler) {
		Assert.notNull(name, "'name' must not be null");
		Assert.notNull(scheduler, "'scheduler' must not be null");
		this.name = name;
		this.scheduler = scheduler;
	}

	/**
	 * Run a task after the tasks given before it.
	 * @param task the task
	 * @throws RejectedExecutionException if this executor or its scheduler is closed
	 */
	@Override
	public void execute(Runnable task) {
		synchronized (this.tasks) {
			if (this.closed) {
				throw new RejectedExecutionException(this.name + " is closed");
			}
			this.tasks.add(task);
			if (this.draining) {
				return;
			}
			this.draining = true;
		}
		scheduleDrain();
	}

	/**
	 * Run a task after the tasks given before it and return its outcome.
	 * @param <T> the type of the result
	 * @param task the task
	 * @return the outcome, completed on this executor; failed with a
	 * {@link RejectedExecutionException} when the executor is closed
	 */
	public <T> CompletableFuture<T> submit(Callable<T> task) {
		CompletableFuture<T> result = new CompletableFuture<>();
		try {
			execute(() -> {
				try {
					result.complete(task.call());
				}
				catch (Throwable ex) {
					result.completeExceptionally(ex);
				}
			});
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(ex);
		}
		return result;
	}

	/**
	 * Run a task that completes asynchronously after the tasks given before it, and run
	 * the tasks given after it only once the future it returns is complete. Until then
	 * the task holds this executor, not a thread.
	 * @param <T> the type of the result
	 * @param task the task, which returns the future of its outcome
	 * @return the outcome; failed with a {@link RejectedExecutionException} when the
	 * executor is closed
	 */
	public <T> CompletableFuture<T> submitAsync(Supplier<? extends CompletableFuture<T>> task) {
		CompletableFuture<T> result = new CompletableFuture<>();
		try {
			execute(new Holding<>(task, result));
		}
		catch (RejectedExecutionException ex) {
			result.completeExceptionally(ex);
		}
		return result;
	}

	/**
	 * Run a task on this executor once a delay has passed. A task that falls due after
	 * the executor was closed does not run.
	 * @param task the task
	 * @param delay the delay
	 * @return the pending task, to cancel
	 * @throws RejectedExecutionException if the scheduler is closed
	 */
	public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
		return this.scheduler.schedule(() -> {
			try {
				execute(task);
			}
			catch (RejectedExecutionException ex) {
				// Closed meanwhile: nothing to do any more.
			}
		}, in(delay));
	}

	/**
	 * Return a future that completes once a delay has passed, where the scheduler runs
	 * what falls due (the auto-configured scheduler: its timer thread): a task holding
	 * this executor ({@link #submitAsync}) waits with it without a thread.
	 * @param delay the delay
	 * @return the future, failed with a {@link RejectedExecutionException} when the
	 * scheduler is closed
	 */
	public CompletableFuture<Void> after(Duration delay) {
		CompletableFuture<Void> passed = new CompletableFuture<>();
		try {
			this.scheduler.schedule(() -> passed.complete(null), in(delay));
		}
		catch (RejectedExecutionException ex) {
			passed.completeExceptionally(ex);
		}
		return passed;
	}

	/**
	 * Return whether the calling thread is running a task of this executor.
	 * @return whether it is this executor's turn on the calling thread
	 */
	public boolean isCurrentThread() {
		return this.runningOn == Thread.currentThread();
	}

	/**
	 * Return whether this executor is closed.
	 * @return whether it refuses tasks
	 */
	public boolean isClosed() {
		return this.closed;
	}

	/**
	 * Refuse new tasks and drop the waiting ones; a task under way finishes.
	 */
	public void shutdown() {
		synchronized (this.tasks) {
			this.closed = true;
			this.tasks.clear();
		}
	}

	/**
	 * Refuse new tasks, drop the waiting ones and interrupt the task under way.
	 */
	public void shutdownNow() {
		synchronized (this.tasks) {
			this.closed = true;
			this.tasks.clear();
			Thread running = this.runningOn;
			if (running != null) {
				running.interrupt();
			}
		}
	}

	/**
	 * Wait for the task under way, if any, after a shutdown. A scheduler shut down before
	 * this executor may have dropped its turn without telling it: then this waits for the
	 * whole timeout.
	 * @param timeout how long to wait at most
	 * @return whether no task runs any more
	 */
	public boolean awaitTermination(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		synchronized (this.tasks) {
			while (this.draining) {
				long left = deadline - System.nanoTime();
				if (left <= 0) {
					return false;
				}
				try {
					this.tasks.wait(Math.max(1, left / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
			return true;
		}
	}

	private void drain() {
		for (int i = 0; i < BATCH; i++) {
			Runnable task;
			synchronized (this.tasks) {
				task = this.tasks.poll();
				if (task == null) {
					this.draining = false;
					this.tasks.notifyAll();
					return;
				}
				this.runningOn = Thread.currentThread();
			}
			try {
				run(task);
			}
			finally {
				synchronized (this.tasks) {
					this.runningOn = null;
				}
				// An interrupt meant for this executor's task is not the next one's.
				Thread.interrupted();
			}
			if (task instanceof Holding<?> holding) {
				CompletableFuture<?> pending = holding.pending;
				if (pending != null && !pending.isDone()) {
					// The task goes on without a thread: the next one runs once it is
					// done.
					pending.whenComplete((result, failure) -> resume());
					return;
				}
			}
		}
		// More to do: back in line behind the other objects' tasks.
		resume();
	}

	private void resume() {
		try {
			scheduleDrain();
		}
		catch (RejectedExecutionException ex) {
			// The scheduler is closed: what was queued was dropped.
		}
	}

	// Hands the queue to the scheduler; when the scheduler refuses (it is closed), the
	// queued tasks are dropped and whoever waits for the queue to empty is woken.
	private void scheduleDrain() {
		try {
			if (this.scheduler instanceof Executor executor) {
				executor.execute(this::drain);
			}
			else {
				this.scheduler.schedule(this::drain, this.scheduler.getClock().instant());
			}
		}
		catch (RejectedExecutionException ex) {
			synchronized (this.tasks) {
				this.draining = false;
				this.tasks.clear();
				this.tasks.notifyAll();
			}
			throw ex;
		}
	}

	private Instant in(Duration delay) {
		return this.scheduler.getClock().instant().plus(delay.isNegative() ? Duration.ZERO : delay);
	}

	private void run(Runnable task) {
		try {
			task.run();
		}
		catch (Throwable ex) {
			// A bug: worth its stack trace, and the next task still runs.
			logger.warn("A task of %s failed".formatted(this.name), ex);
		}
	}

	@Override
	public String toString() {
		return "SerialExecutor[" + this.name + "]";
	}

	/**
	 * A task that completes asynchronously, and what it is waiting for.
	 */
	private static final class Holding<T> implements Runnable {

		private final Supplier<? extends CompletableFuture<T>> task;

		private final CompletableFuture<T> result;

		private volatile @Nullable CompletableFuture<T> pending;

		Holding(Supplier<? extends CompletableFuture<T>> task, CompletableFuture<T> result) {
			this.task = task;
			this.result = result;
		}

		@Override
		public void run() {
			CompletableFuture<T> started;
			try {
				started = this.task.get();
			}
			catch (Throwable ex) {
				this.result.completeExceptionally(ex);
				throw ex;
			}
			this.pending = started;
			started.whenComplete((value, failure) -> {
				if (failure != null) {
					this.result.completeExceptionally(EtcdCalls.unwrap(failure));
				}
				else {
					this.result.complete(value);
				}
			});
		}

	}

}
