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

import org.springframework.util.Assert;

/**
 * The settings of the protection against mass removal: when more than {@code threshold}
 * of a service's UP instances leave etcd within {@code window} without withdrawing
 * themselves (their lease expired, or someone deleted their keys), the cache keeps
 * serving the last-known ones for at most {@code maxHold}.
 * <p>
 * An instance withdraws itself by moving its key to its parked key before its lease is
 * revoked: a cache sees it stop being UP, never vanish, so a scale-down or a rolling
 * restart never trips the protection. Instances that came UP within the window offset the
 * losses, so that instances replaced one by one, even ungracefully, do not trip it
 * either.
 *
 * @param enabled whether the protection is on
 * @param threshold the share of a service's UP instances that must vanish within the
 * window, from 0 (any loss) to less than 1; more than that share trips the protection
 * @param window how far back losses are counted
 * @param maxHold the longest time instances are held after the protection trips
 * @author etcd-discovery authors
 */
public record RemovalProtection(boolean enabled, double threshold, Duration window, Duration maxHold) {

	/**
	 * No protection: what etcd removes leaves the cache at once.
	 */
	public static final RemovalProtection DISABLED = new RemovalProtection(false, 0.5, Duration.ofSeconds(30),
			Duration.ofMinutes(5));

	public RemovalProtection {
		Assert.isTrue(threshold >= 0 && threshold < 1, "'threshold' must be at least 0 and less than 1");
		Assert.isTrue(window != null && !window.isNegative() && !window.isZero(), "'window' must be positive");
		Assert.isTrue(maxHold != null && !maxHold.isNegative() && !maxHold.isZero(), "'maxHold' must be positive");
	}

}
