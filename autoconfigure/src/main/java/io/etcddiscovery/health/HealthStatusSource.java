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

package io.etcddiscovery.health;

import java.util.LinkedHashSet;
import java.util.Set;

import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.StatusSource;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.actuate.endpoint.StatusAggregator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.util.Assert;

/**
 * Derives this instance's status from actuator health: the overall health, or one health
 * group's, aggregated the way the health endpoint aggregates it. Some contributors are
 * left out: the starter's own {@code etcd} indicator and Spring Cloud's discovery
 * composites ({@code discoveryComposite}, {@code reactiveDiscoveryClients}), because etcd
 * being unreachable must not mark the instance DOWN in etcd, and {@code readinessState},
 * because readiness is followed directly (see {@code ReadinessStatusListener}) and is
 * still refusing traffic at the moment the application registers.
 *
 * @author etcd-discovery authors
 */
public class HealthStatusSource implements StatusSource {

	/**
	 * Name of the starter's own health contributor, left out of the evaluation.
	 */
	public static final String ETCD_CONTRIBUTOR = "etcd";

	// Spring Cloud's discovery composites report whether etcd can be listed and watched:
	// like 'etcd', not a reason to publish this instance as DOWN.
	private static final Set<String> EXCLUDED = Set.of(ETCD_CONTRIBUTOR, "readinessState", "discoveryComposite",
			"reactiveDiscoveryClients");

	private final HealthContributors contributors;

	private final @Nullable HealthEndpointGroups groups;

	private final @Nullable String groupName;

	/**
	 * Create a new source.
	 * @param contributors the health contributors
	 * @param groups the health groups, or {@code null} when the health endpoint is not
	 * configured
	 * @param groupName the group to follow, or {@code null} for the overall health
	 */
	public HealthStatusSource(HealthContributors contributors, @Nullable HealthEndpointGroups groups,
			@Nullable String groupName) {
		Assert.notNull(contributors, "'contributors' must not be null");
		Assert.isTrue(groupName == null || (groups != null && groups.get(groupName) != null),
				() -> "Health group '" + groupName + "' does not exist");
		this.contributors = contributors;
		this.groups = groups;
		this.groupName = groupName;
	}

	@Override
	public InstanceStatus evaluate() {
		HealthEndpointGroup group = group();
		StatusAggregator aggregator = (group != null) ? group.getStatusAggregator() : StatusAggregator.getDefault();
		return toInstanceStatus(evaluate(this.contributors, "", group, aggregator));
	}

	private @Nullable HealthEndpointGroup group() {
		if (this.groups == null) {
			return null;
		}
		return (this.groupName != null) ? this.groups.get(this.groupName) : this.groups.getPrimary();
	}

	private Status evaluate(HealthContributors contributors, String prefix, @Nullable HealthEndpointGroup group,
			StatusAggregator aggregator) {
		Set<Status> statuses = new LinkedHashSet<>();
		for (HealthContributors.Entry entry : contributors) {
			String path = prefix + entry.name();
			if (EXCLUDED.contains(path) || (group != null && !group.isMember(path))) {
				continue;
			}
			HealthContributor contributor = entry.contributor();
			if (contributor instanceof HealthIndicator indicator) {
				Health health = indicator.health(false);
				statuses.add((health != null) ? health.getStatus() : Status.UNKNOWN);
			}
			else if (contributor instanceof CompositeHealthContributor composite) {
				statuses.add(evaluate(composite, path + "/", group, aggregator));
			}
		}
		return statuses.isEmpty() ? Status.UP : aggregator.getAggregateStatus(statuses);
	}

	private static InstanceStatus toInstanceStatus(Status status) {
		if (Status.UP.equals(status)) {
			return InstanceStatus.UP;
		}
		if (Status.OUT_OF_SERVICE.equals(status)) {
			return InstanceStatus.OUT_OF_SERVICE;
		}
		if (Status.UNKNOWN.equals(status)) {
			return InstanceStatus.UNKNOWN;
		}
		// DOWN and any custom status that is not UP: not fit for traffic.
		return InstanceStatus.DOWN;
	}

}
