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

package io.etcddiscovery.autoconfigure;

import java.time.Duration;

/**
 * Configuration properties of retries, {@code discovery.retry.*}: of registration after a
 * failure or a loss, and of the discovery cache's listings. Retries never stop.
 *
 * @author etcd-discovery authors
 */
public class RetryProperties {

	/**
	 * Delay before the first retry.
	 */
	private Duration initialInterval = Duration.ofSeconds(1);

	/**
	 * Longest delay between retries. While this instance's old key may still be in etcd
	 * (its lease was given up), retries come at least every half 'discovery.ttl'.
	 */
	private Duration maxInterval = Duration.ofSeconds(30);

	/**
	 * Factor by which the delay grows after each failed retry.
	 */
	private double multiplier = 2.0;

	public Duration getInitialInterval() {
		return this.initialInterval;
	}

	public void setInitialInterval(Duration initialInterval) {
		this.initialInterval = initialInterval;
	}

	public Duration getMaxInterval() {
		return this.maxInterval;
	}

	public void setMaxInterval(Duration maxInterval) {
		this.maxInterval = maxInterval;
	}

	public double getMultiplier() {
		return this.multiplier;
	}

	public void setMultiplier(double multiplier) {
		this.multiplier = multiplier;
	}

}
