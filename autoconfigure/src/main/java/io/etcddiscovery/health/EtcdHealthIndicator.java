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

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.Member;
import io.etcd.jetcd.cluster.MemberListResponse;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcddiscovery.etcd.EtcdErrors;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.Assert;

/**
 * Health of the etcd cluster this application talks to: UP with the cluster id, leader
 * and member count, DOWN with a one-line reason when etcd does not answer within the
 * request timeout. The members are asked for their status all at once, and the first
 * answer counts, so that a member that does not answer costs no more than the one
 * timeout.
 *
 * @author etcd-discovery authors
 */
public class EtcdHealthIndicator extends AbstractHealthIndicator {

	private final Client client;

	private final List<String> endpoints;

	private final Duration timeout;

	/**
	 * Create a new indicator.
	 * @param client the etcd client
	 * @param endpoints the configured endpoints, shown without credentials
	 * @param timeout the deadline of the whole check
	 */
	public EtcdHealthIndicator(Client client, List<String> endpoints, Duration timeout) {
		super("etcd health check failed");
		Assert.notNull(client, "'client' must not be null");
		Assert.notNull(timeout, "'timeout' must not be null");
		this.client = client;
		this.endpoints = List.copyOf(endpoints);
		this.timeout = timeout;
	}

	@Override
	protected void doHealthCheck(Health.Builder health) {
		long deadline = System.nanoTime() + this.timeout.toNanos();
		try {
			MemberListResponse members = this.client.getClusterClient()
				.listMember()
				.get(this.timeout.toMillis(), TimeUnit.MILLISECONDS);
			StatusResponse status = firstStatus(members.getMembers(), deadline);
			health.up()
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
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			health.down().withDetail("error", "interrupted");
		}
		catch (Exception ex) {
			// Expected when etcd is down: a one-line reason, no stack trace.
			String reason = (ex instanceof TimeoutException) ? "no answer within " + this.timeout.toMillis() + "ms"
					: EtcdErrors.describe(ex);
			health.down().withDetail("error", reason).withDetail("endpoints", this.endpoints);
		}
	}

	/*
	 * Ask every member for its status at once and return the first answer.
	 */
	private @Nullable StatusResponse firstStatus(List<Member> members, long deadline) throws Exception {
		List<CompletableFuture<StatusResponse>> calls = new ArrayList<>();
		for (Member member : members) {
			for (URI url : member.getClientURIs()) {
				calls.add(this.client.getMaintenanceClient().statusMember(url.toString()));
			}
		}
		if (calls.isEmpty()) {
			return null;
		}
		CompletableFuture<StatusResponse> first = new CompletableFuture<>();
		AtomicInteger unanswered = new AtomicInteger(calls.size());
		for (CompletableFuture<StatusResponse> call : calls) {
			call.whenComplete((status, ex) -> {
				if (ex == null) {
					first.complete(status);
				}
				else if (unanswered.decrementAndGet() == 0) {
					// Every member failed: the last failure says why.
					first.completeExceptionally(ex);
				}
			});
		}
		try {
			long left = Math.max(1, deadline - System.nanoTime());
			return first.get(left, TimeUnit.NANOSECONDS);
		}
		finally {
			calls.forEach((call) -> call.cancel(true));
		}
	}

	private static String leaderName(List<Member> members, long leaderId) {
		return members.stream()
			.filter((member) -> member.getId() == leaderId)
			.map((member) -> member.getName() + " (" + Long.toHexString(leaderId) + ")")
			.findFirst()
			.orElse(Long.toHexString(leaderId));
	}

}
