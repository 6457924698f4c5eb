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

package io.etcddiscovery.registration;

import io.etcddiscovery.etcd.InstanceStatus;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Decides the status this instance publishes from three inputs, strongest first: an
 * operator's override (for example {@code OUT_OF_SERVICE} set through the actuator
 * endpoint), readiness (an application refusing traffic is {@code OUT_OF_SERVICE}), and
 * health as reported by the {@link HealthCheckLoop}.
 *
 * @author etcd-discovery authors
 */
public class StatusPublisher {

	private final InstanceRegistrar registrar;

	private InstanceStatus health = InstanceStatus.UP;

	private boolean refusingTraffic;

	private @Nullable InstanceStatus override;

	/**
	 * Create a new publisher.
	 * @param registrar the registrar that writes the status
	 */
	public StatusPublisher(InstanceRegistrar registrar) {
		Assert.notNull(registrar, "'registrar' must not be null");
		this.registrar = registrar;
	}

	/**
	 * Set the status derived from health.
	 * @param status the health status
	 */
	public synchronized void setHealthStatus(InstanceStatus status) {
		this.health = status;
		publish();
	}

	/**
	 * Set whether the application refuses traffic (readiness).
	 * @param refusingTraffic whether it refuses traffic
	 */
	public synchronized void setRefusingTraffic(boolean refusingTraffic) {
		this.refusingTraffic = refusingTraffic;
		publish();
	}

	/**
	 * Override the status, or hand it back to health and readiness.
	 * @param override the status to publish whatever health says, or {@code null}
	 */
	public synchronized void setOverride(@Nullable InstanceStatus override) {
		this.override = override;
		publish();
	}

	/**
	 * Apply an operator's request: {@code OUT_OF_SERVICE} takes the instance out of
	 * rotation whatever its health, {@code UP} hands the status back to health and
	 * readiness.
	 * @param status the requested status, case-insensitive
	 * @throws IllegalArgumentException if the status is neither
	 */
	public void setOperatorStatus(String status) {
		InstanceStatus requested = InstanceStatus.parse(status.trim());
		if (requested == InstanceStatus.OUT_OF_SERVICE) {
			setOverride(InstanceStatus.OUT_OF_SERVICE);
		}
		else if (requested == InstanceStatus.UP) {
			setOverride(null);
		}
		else {
			throw new IllegalArgumentException("Invalid status '" + status
					+ "': use OUT_OF_SERVICE to take this instance out of rotation, or UP to hand its status back "
					+ "to health");
		}
	}

	/**
	 * Return the override, if any.
	 * @return the override or {@code null}
	 */
	public synchronized @Nullable InstanceStatus getOverride() {
		return this.override;
	}

	/**
	 * Return the status derived from health.
	 * @return the health status
	 */
	public synchronized InstanceStatus getHealthStatus() {
		return this.health;
	}

	/**
	 * Return the status to publish now.
	 * @return the effective status
	 */
	public synchronized InstanceStatus getEffectiveStatus() {
		if (this.override != null) {
			return this.override;
		}
		return this.refusingTraffic ? InstanceStatus.OUT_OF_SERVICE : this.health;
	}

	private void publish() {
		this.registrar.setStatus(getEffectiveStatus());
	}

}
