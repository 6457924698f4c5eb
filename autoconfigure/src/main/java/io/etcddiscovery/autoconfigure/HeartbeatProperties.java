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

import org.jspecify.annotations.Nullable;

/**
 * Configuration properties of the heartbeat, {@code discovery.heartbeat.*}: it publishes
 * this instance's status from actuator health.
 *
 * @author etcd-discovery authors
 */
public class HeartbeatProperties {

	/**
	 * Whether this instance's status follows actuator health. When false the instance is
	 * published as UP while it is registered.
	 */
	private boolean enabled = true;

	/**
	 * Time between heartbeats. Defaults to a third of 'discovery.ttl'.
	 */
	private @Nullable Duration interval;

	/**
	 * Name of the health group whose status is published. Defaults to the overall health.
	 */
	private @Nullable String healthGroup;

	/**
	 * Longest time a health evaluation may take; a slower one counts as DOWN.
	 */
	private Duration healthTimeout = Duration.ofSeconds(2);

	/**
	 * How many consecutive evaluations with the same new status are needed before the
	 * published status changes.
	 */
	private int threshold = 1;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public @Nullable Duration getInterval() {
		return this.interval;
	}

	public void setInterval(@Nullable Duration interval) {
		this.interval = interval;
	}

	public @Nullable String getHealthGroup() {
		return this.healthGroup;
	}

	public void setHealthGroup(@Nullable String healthGroup) {
		this.healthGroup = healthGroup;
	}

	public Duration getHealthTimeout() {
		return this.healthTimeout;
	}

	public void setHealthTimeout(Duration healthTimeout) {
		this.healthTimeout = healthTimeout;
	}

	public int getThreshold() {
		return this.threshold;
	}

	public void setThreshold(int threshold) {
		this.threshold = threshold;
	}

}
