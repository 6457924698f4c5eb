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

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.RejectedExecutionException;

import org.jspecify.annotations.Nullable;

import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * A {@link ThreadPoolTaskExecutor} that starts a thread only when a task comes and no
 * thread is idle, up to its maximum, queues the tasks beyond it, and lets a thread end
 * after the keep-alive without work. The queue has no bound: a refused task would be a
 * {@code SerialExecutor}'s turn, whose tasks would then be dropped, and it holds at most
 * one turn per serial executor.
 * <p>
 * Only the queue is hand-written; names, lifecycle, shutdown and virtual threads are
 * Spring's. Spring's and the JDK's pools start a thread for every task handed to them
 * while they hold fewer threads than their core size, idle threads or not, and grow past
 * the core size only once their queue is full. With core = max and
 * {@code allowCoreThreadTimeOut}, tasks every second or so, handed to the idle threads in
 * turn, keep every thread alive: the idle sample application held all 16 workers and 8
 * client threads (70 threads in all) where this pool holds 2 and 3 (51). Once shut down
 * it refuses what it is handed, unless {@link #setRunOnCallerAfterShutdown} says to run
 * it on the caller's thread.
 *
 * @author etcd-discovery authors
 */
public final class ScalingTaskExecutor extends ThreadPoolTaskExecutor {

	private transient @Nullable ScalingQueue queue;

	private volatile boolean runOnCallerAfterShutdown;

	/**
	 * Create a pool.
	 * @param maxThreads the most threads it runs at once
	 */
	public ScalingTaskExecutor(int maxThreads) {
		setCorePoolSize(0);
		setMaxPoolSize(maxThreads);
		setRejectedExecutionHandler((task, executor) -> {
			ScalingQueue queue = this.queue;
			if (executor.isShutdown() || queue == null) {
				if (!this.runOnCallerAfterShutdown) {
					throw new RejectedExecutionException(getThreadNamePrefix() + " pool is shut down");
				}
				task.run();
				return;
			}
			// Every thread was started meanwhile: the task waits for one.
			queue.force(task);
		});
	}

	/**
	 * Run what the pool is handed once it is shut down on the caller's thread instead of
	 * refusing it. For a gRPC channel's callback executor: gRPC hands over the last
	 * callbacks of a closing channel after the context closed the pool, and a refusal
	 * throws on the thread that closes the call (gRPC prints it as uncaught) and leaves
	 * the call's future open.
	 * @param runOnCallerAfterShutdown whether to run such tasks on the caller's thread
	 */
	public void setRunOnCallerAfterShutdown(boolean runOnCallerAfterShutdown) {
		this.runOnCallerAfterShutdown = runOnCallerAfterShutdown;
	}

	@Override
	protected BlockingQueue<Runnable> createQueue(int queueCapacity) {
		ScalingQueue queue = new ScalingQueue(this);
		this.queue = queue;
		return queue;
	}

	/**
	 * Hands a task to an idle thread if there is one, refuses it (which makes the pool
	 * start a thread) while there are fewer threads than the maximum, and queues it
	 * otherwise.
	 */
	private static final class ScalingQueue extends LinkedTransferQueue<Runnable> {

		private final transient ThreadPoolTaskExecutor pool;

		ScalingQueue(ThreadPoolTaskExecutor pool) {
			this.pool = pool;
		}

		@Override
		public boolean offer(Runnable task) {
			return tryTransfer(task) || (this.pool.getPoolSize() >= this.pool.getMaxPoolSize() && super.offer(task));
		}

		void force(Runnable task) {
			super.offer(task);
		}

	}

}
