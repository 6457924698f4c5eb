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

package io.etcddiscovery.discovery;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The warm-up of new instances ({@code discovery.client.warm-up}): an instance this
 * application sees become UP after its start gets a share of the load-balanced requests
 * that is the elapsed part of the warm-up (a quarter in, a quarter of a full share),
 * never less than {@value #MIN_SHARE_PERCENT} %, so full at its end, counted from when
 * this application first saw it UP ({@link ServiceCache#upSince(String)}), on this
 * application's monotonic clock, never on the clock of the host that registered it. The
 * floor, as Envoy's slow start's {@code min_weight_percent}, lets a new instance serve
 * some requests from the start.
 * <p>
 * Instances UP when this application started, and instances other than etcd's, are never
 * warming up.
 *
 * @author etcd-discovery authors
 */
public final class WarmUp {

	/**
	 * The share, in percent of a warm instance's, that a new instance starts with.
	 */
	public static final int MIN_SHARE_PERCENT = 10;

	private static final double MIN_SHARE = MIN_SHARE_PERCENT / 100.0;

	private final long durationNanos;

	private final Duration duration;

	private final Function<String, OptionalLong> upSince;

	private final LongSupplier ticker;

	/**
	 * Create a warm-up over a cache, on {@link System#nanoTime()}.
	 * @param duration how long a new instance's share grows; zero for no warm-up
	 * @param cache the cache that knows when instances became UP
	 */
	public WarmUp(Duration duration, ServiceCache cache) {
		this(duration, cache::upSince, System::nanoTime);
	}

	/**
	 * Create a warm-up.
	 * @param duration how long a new instance's share grows; zero for no warm-up
	 * @param upSince when an instance, by etcd key, was first seen UP, in the ticker's
	 * time, empty for an instance that is not warming up
	 * @param ticker the monotonic clock in nanoseconds, the one {@code upSince} is in
	 */
	public WarmUp(Duration duration, Function<String, OptionalLong> upSince, LongSupplier ticker) {
		Assert.isTrue(duration != null && !duration.isNegative(), "'duration' must not be negative");
		Assert.notNull(upSince, "'upSince' must not be null");
		Assert.notNull(ticker, "'ticker' must not be null");
		this.duration = duration;
		this.durationNanos = duration.toNanos();
		this.upSince = upSince;
		this.ticker = ticker;
	}

	/**
	 * Return how long a new instance's share grows.
	 * @return the warm-up, zero when there is none
	 */
	public Duration getDuration() {
		return this.duration;
	}

	/**
	 * Return whether new instances warm up at all.
	 * @return whether the warm-up is longer than zero
	 */
	public boolean isEnabled() {
		return this.durationNanos > 0;
	}

	/**
	 * Return the share of requests an instance gets now, relative to a warm instance's.
	 * @param key the instance's etcd key
	 * @return from {@value #MIN_SHARE_PERCENT} % ({@code 0.1}) to {@code 1}, {@code 1}
	 * when the instance is warm
	 */
	public double share(String key) {
		OptionalLong since = this.upSince.apply(key);
		return since.isPresent() ? share(this.ticker.getAsLong() - since.getAsLong()) : 1;
	}

	/**
	 * Return how much longer an instance warms up.
	 * @param key the instance's etcd key
	 * @return the rest of its warm-up, or {@code null} when it is warm
	 */
	public @Nullable Duration remaining(String key) {
		OptionalLong since = this.upSince.apply(key);
		if (!since.isPresent()) {
			return null;
		}
		long remaining = this.durationNanos - (this.ticker.getAsLong() - since.getAsLong());
		return (remaining > 0) ? Duration.ofNanos(remaining) : null;
	}

	/**
	 * Return the share of a warm instance's requests that an instance UP for a given time
	 * gets.
	 * @param elapsedNanos how long the instance has been UP, in nanoseconds
	 * @return from {@value #MIN_SHARE_PERCENT} % ({@code 0.1}) to {@code 1}
	 */
	double share(long elapsedNanos) {
		if (elapsedNanos >= this.durationNanos) {
			return 1;
		}
		return Math.max(MIN_SHARE, Math.max(0, elapsedNanos) / (double) this.durationNanos);
	}

}
