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

package io.etcddiscovery.benchmarks.peers;

import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.stereotype.Component;
import org.springframework.web.client.RestClient;

/**
 * Sends a steady rate of {@code GET http://{service}/} through the same load-balanced
 * {@link RestClient} as {@code /call/{service}} (open loop: a new request every
 * 1/rate s whatever the earlier ones do) and records each one. With {@code posts}, every
 * other request is a {@code POST http://{service}/bench/orders?id=...} with an id of its
 * own ({@link OrdersController}).
 *
 * @author etcd-discovery authors
 */
@Component
class LoadRunner implements DisposableBean {

	private final RestClient restClient;

	private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor((task) -> {
		Thread thread = new Thread(task, "bench-load-ticker");
		thread.setDaemon(true);
		return thread;
	});

	private final AtomicInteger workerCount = new AtomicInteger();

	private final ExecutorService workers = Executors.newFixedThreadPool(64, (task) -> {
		Thread thread = new Thread(task, "bench-load-" + this.workerCount.incrementAndGet());
		thread.setDaemon(true);
		return thread;
	});

	private final ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicLong sequence = new AtomicLong();

	private volatile ScheduledFuture<?> running;

	LoadRunner(@LoadBalanced RestClient.Builder restClientBuilder) {
		this.restClient = restClientBuilder.build();
	}

	synchronized void start(String service, int rps, int seconds, boolean posts) {
		stop();
		this.results.clear();
		long periodMicros = 1_000_000L / rps;
		long endNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
		this.running = this.ticker.scheduleAtFixedRate(() -> {
			if (System.nanoTime() - endNanos > 0) {
				throw new IllegalStateException("done");
			}
			long sentAt = System.currentTimeMillis();
			long number = this.sequence.incrementAndGet();
			boolean post = posts && number % 2 == 0;
			this.inFlight.incrementAndGet();
			this.workers.execute(() -> call(service, sentAt, post ? "r" + number : null));
		}, 0, periodMicros, TimeUnit.MICROSECONDS);
	}

	int inFlight() {
		return this.inFlight.get();
	}

	synchronized void stop() {
		if (this.running != null) {
			this.running.cancel(false);
			this.running = null;
		}
	}

	/**
	 * One line per request: sent at (epoch ms), latency (µs), {@code ok} or the error (the
	 * innermost cause's class), the port of the instance that answered, the method, and a
	 * POST's id.
	 */
	String csv() {
		StringBuilder csv = new StringBuilder("sent_at_ms,latency_us,outcome,port,method,id\n");
		for (String line : this.results) {
			csv.append(line).append('\n');
		}
		return csv.toString();
	}

	private void call(String service, long sentAt, String postId) {
		long start = System.nanoTime();
		String outcome = "ok";
		Object port = "";
		try {
			Map<String, Object> body = (postId != null)
					? this.restClient.post()
						.uri("http://{service}/bench/orders?id={id}", service, postId)
						.retrieve()
						.body(CallController.JSON)
					: this.restClient.get().uri("http://{service}/", service).retrieve().body(CallController.JSON);
			port = (body != null) ? body.get("port") : "";
		}
		catch (RuntimeException ex) {
			Throwable cause = ex;
			while (cause.getCause() != null) {
				cause = cause.getCause();
			}
			outcome = cause.getClass().getSimpleName();
		}
		long latencyMicros = (System.nanoTime() - start) / 1000;
		this.results.add(sentAt + "," + latencyMicros + "," + outcome + "," + port + ","
				+ ((postId != null) ? "POST," + postId : "GET,"));
		// Counted down once the request is in the results.
		this.inFlight.decrementAndGet();
	}

	@Override
	public void destroy() {
		this.ticker.shutdownNow();
		this.workers.shutdownNow();
	}

}
