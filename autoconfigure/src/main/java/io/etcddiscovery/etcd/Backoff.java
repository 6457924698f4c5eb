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
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.util.Assert;

/**
 * Capped exponential backoff with jitter, for retries that never give up.
 *
 * @author etcd-discovery authors
 */
public final class Backoff {

	private static final double JITTER = 0.2;

	private final Duration initial;

	private final Duration max;

	private final double multiplier;

	/**
	 * Create a new backoff.
	 * @param initial the delay before the first retry
	 * @param max the longest delay
	 * @param multiplier how much the delay grows after each failure
	 */
	public Backoff(Duration initial, Duration max, double multiplier) {
		Assert.isTrue(initial.toMillis() > 0, "'initial' must be positive");
		Assert.isTrue(max.compareTo(initial) >= 0, "'max' must not be less than 'initial'");
		Assert.isTrue(multiplier >= 1, "'multiplier' must be at least 1");
		this.initial = initial;
		this.max = max;
		this.multiplier = multiplier;
	}

	/**
	 * Return the delay before the given retry, with up to 20% jitter either way, never
	 * more than the maximum.
	 * @param failures how many attempts failed in a row, at least 1
	 * @return the delay
	 */
	public Duration delay(int failures) {
		double base = this.initial.toMillis() * Math.pow(this.multiplier, Math.max(0, failures - 1));
		double capped = Math.min(base, this.max.toMillis());
		double jitter = 1 + JITTER * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
		return Duration.ofMillis(Math.max(1, Math.min(Math.round(capped * jitter), this.max.toMillis())));
	}

}
