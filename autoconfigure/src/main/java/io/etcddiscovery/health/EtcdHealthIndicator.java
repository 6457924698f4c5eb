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

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.cluster.MemberListResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcddiscovery.registration.EtcdErrors;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.util.Assert;

/**
 * Health of the etcd cluster this application talks to: UP with the cluster id, leader
 * and member count, DOWN with a one-line reason when etcd does not answer within the
 * request timeout.
 *
 * @author etcd-discovery authors
 */
public class EtcdHealthIndicator implements HealthIndicator {

	private final Client client;

	private final List<String> endpoints;

	private final Duration timeout;

	/**
	 * Create a new indicator.
	 * @param client the etcd client
	 * @param endpoints the configured endpoints, shown without credentials
	 * @param timeout the deadline of each call
	 */
	public EtcdHealthIndicator(Client client, List<String> endpoints, Duration timeout) {
		Assert.notNull(client, "'client' must not be null");
		this.client = client;
		this.endpoints = List.copyOf(endpoints);
		this.timeout = timeout;
	}

	@Override
	public Health health() {
		try {
			MemberListResponse members = this.client.getClusterClient()
				.listMember()
				.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			StatusResponse status = status(members.getMembers());
			Health.Builder health = Health.up()
				.withDetail("clusterId", Long.toHexString(members.getHeader().getClusterId()))
				.withDetail("members", members.getMembers().size())
				.withDetail("endpoints", this.endpoints);
			if (status != null && status.getLeader() != 0) {
				health.withDetail("leader", leaderName(members.getMembers(), status.getLeader()));
				health.withDetail("version", status.getVersion());
			}
			else {
				health.withDetail("leader", "none");
			}
			return health.build();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Health.down().withDetail("error", "interrupted").build();
		}
		catch (Exception ex) {
			String reason = (ex instanceof java.util.concurrent.TimeoutException)
					? "no answer within " + this.timeout.toMillis() + "ms" : EtcdErrors.describe(ex);
			return Health.down().withDetail("error", reason).withDetail("endpoints", this.endpoints).build();
		}
	}

	private StatusResponse status(List<Member> members) throws Exception {
		Exception failure = null;
		for (Member member : members) {
			for (java.net.URI url : member.getClientURIs()) {
				try {
					return this.client.getMaintenanceClient()
						.statusMember(url.toString())
						.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
				}
				catch (Exception ex) {
					failure = ex;
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
		return null;
	}

	private static String leaderName(List<Member> members, long leaderId) {
		return members.stream()
			.filter((member) -> member.getId() == leaderId)
			.map((member) -> member.getName() + " (" + Long.toHexString(leaderId) + ")")
			.findFirst()
			.orElse(Long.toHexString(leaderId));
	}

}
