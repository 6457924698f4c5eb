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
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ScheduledExecutorService} whose time stands still until a test moves it on,
 * and that runs its tasks on the test's thread: what the failover's scheduler thread
 * would do, one step at a time. {@link #nanoTime()} is the clock the failover's classes
 * are given.
 *
 * @author etcd-discovery authors
 */
final class ManualScheduler extends AbstractExecutorService implements ScheduledExecutorService {

	private final PriorityQueue<Task> tasks = new PriorityQueue<>();

	// Not zero: the watchdog takes 0 for "nothing pending".
	private long now = TimeUnit.SECONDS.toNanos(1000);

	private long sequence;

	private boolean shutdown;

	/**
	 * Return the time, in nanoseconds.
	 * @return the time
	 */
	synchronized long nanoTime() {
		return this.now;
	}

	/**
	 * Move the time on, then run every task that is due.
	 * @param duration how far
	 * @return the number of tasks run
	 */
	int advance(Duration duration) {
		synchronized (this) {
			this.now += duration.toNanos();
		}
		return runDue();
	}

	/**
	 * Run every task that is due, including those they schedule for now.
	 * @return the number of tasks run
	 */
	int runDue() {
		int ran = 0;
		Task task;
		while ((task = nextDue()) != null) {
			task.run();
			ran++;
		}
		return ran;
	}

	/**
	 * Return the delays of the tasks waiting, from now.
	 * @return their delays
	 */
	synchronized List<Duration> scheduled() {
		List<Duration> delays = new ArrayList<>();
		for (Task task : this.tasks) {
			delays.add(Duration.ofNanos(task.time - this.now));
		}
		delays.sort(null);
		return delays;
	}

	private synchronized Task nextDue() {
		Task next = this.tasks.peek();
		if (next == null || next.time > this.now) {
			return null;
		}
		return this.tasks.poll();
	}

	private synchronized Task add(Runnable command, long delayNanos, long periodNanos) {
		if (this.shutdown) {
			throw new RejectedExecutionException("Shut down");
		}
		Task task = new Task(command, this.now + Math.max(0, delayNanos), periodNanos, this.sequence++);
		this.tasks.add(task);
		return task;
	}

	private synchronized void reschedule(Task task) {
		if (!this.shutdown && !task.cancelled) {
			task.time = this.now + task.period;
			task.order = this.sequence++;
			this.tasks.add(task);
		}
	}

	@Override
	public void execute(Runnable command) {
		add(command, 0, 0);
	}

	@Override
	public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
		return add(command, unit.toNanos(delay), 0);
	}

	@Override
	public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
		throw new UnsupportedOperationException();
	}

	@Override
	public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
		return add(command, unit.toNanos(initialDelay), unit.toNanos(period));
	}

	@Override
	public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
		return add(command, unit.toNanos(initialDelay), unit.toNanos(delay));
	}

	@Override
	public synchronized void shutdown() {
		this.shutdown = true;
		this.tasks.clear();
	}

	@Override
	public List<Runnable> shutdownNow() {
		shutdown();
		return List.of();
	}

	@Override
	public synchronized boolean isShutdown() {
		return this.shutdown;
	}

	@Override
	public synchronized boolean isTerminated() {
		return this.shutdown;
	}

	@Override
	public boolean awaitTermination(long timeout, TimeUnit unit) {
		return isTerminated();
	}

	private final class Task implements ScheduledFuture<Object>, Runnable {

		private final Runnable command;

		private final long period;

		private long time;

		private long order;

		private volatile boolean cancelled;

		private volatile boolean done;

		Task(Runnable command, long time, long period, long order) {
			this.command = command;
			this.time = time;
			this.period = period;
			this.order = order;
		}

		@Override
		public void run() {
			if (this.cancelled) {
				return;
			}
			this.command.run();
			if (this.period > 0) {
				reschedule(this);
			}
			else {
				this.done = true;
			}
		}

		@Override
		public long getDelay(TimeUnit unit) {
			return unit.convert(this.time - nanoTime(), TimeUnit.NANOSECONDS);
		}

		@Override
		public int compareTo(Delayed other) {
			Task task = (Task) other;
			int byTime = Long.compare(this.time, task.time);
			return (byTime != 0) ? byTime : Long.compare(this.order, task.order);
		}

		@Override
		public boolean cancel(boolean mayInterruptIfRunning) {
			this.cancelled = true;
			synchronized (ManualScheduler.this) {
				ManualScheduler.this.tasks.remove(this);
			}
			return true;
		}

		@Override
		public boolean isCancelled() {
			return this.cancelled;
		}

		@Override
		public boolean isDone() {
			return this.done || this.cancelled;
		}

		@Override
		public Object get() {
			throw new UnsupportedOperationException();
		}

		@Override
		public Object get(long timeout, TimeUnit unit) {
			throw new UnsupportedOperationException();
		}

	}

}
